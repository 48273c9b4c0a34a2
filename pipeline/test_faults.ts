/**
 * Test-only fault injection for the end-to-end tests: `PIPELINE_TEST_FAULTS` holds JSON such as
 * `{"crashAfterEveryNthWrite": 7}`, `{"enrichThrowAt": {"partition": 0, "offset": 1234}}`,
 * `{"hangOnNthWrite": 2}`, `{"loseBatch": 3}` or `{"crashBatcherOnNthChunk": 5}`.
 * Never set it in production; unset means no faults.
 */
import type { BatcherFaults } from "../messages/batcher.ts";
import type { ConsumerFaults } from "../messages/consumer.ts";
import type { EnricherFaults, EventCoordinates } from "../messages/enricher.ts";
import type { WriterFaults } from "../messages/writer.ts";

/** Faults per actor, and of the routes between them. */
export interface TestFaults {
  readonly writer: WriterFaults;
  readonly enricher: EnricherFaults;
  readonly batcher: BatcherFaults;
  readonly consumer: ConsumerFaults;
  /** The host loses the Nth write batch on its way to the writer, once (0: never). */
  readonly loseBatch: number;
}

/** No faults at all (production). */
export const NO_FAULTS: TestFaults = {
  writer: { crashAfterEveryNthWrite: 0, failEveryNthWrite: 0, hangOnNthWrite: 0 },
  enricher: { throwAt: null, crashAt: null },
  batcher: { crashOnNthChunk: 0 },
  consumer: { failEveryNthCommit: 0 },
  loseBatch: 0,
};

const count = (v: unknown) => (typeof v === "number" && v >= 0 ? v : 0);

function coordinates(v: unknown, key: string): EventCoordinates | null {
  if (v === undefined) return null;
  if (
    typeof v === "object" && v !== null && "partition" in v && "offset" in v &&
    typeof v.partition === "number" && typeof v.offset === "number"
  ) {
    return { partition: v.partition, offset: v.offset };
  }
  throw new TypeError(`PIPELINE_TEST_FAULTS.${key} must be {"partition": n, "offset": n}`);
}

/** The faults asked for, or none. */
export function testFaults(text = Deno.env.get("PIPELINE_TEST_FAULTS")): TestFaults {
  if (text === undefined || text === "") return NO_FAULTS;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null) {
    throw new TypeError(`PIPELINE_TEST_FAULTS must be a JSON object, got ${text}`);
  }
  const p = parsed as Record<string, unknown>;
  return {
    writer: {
      crashAfterEveryNthWrite: count(p.crashAfterEveryNthWrite),
      failEveryNthWrite: count(p.failEveryNthWrite),
      hangOnNthWrite: count(p.hangOnNthWrite),
    },
    enricher: {
      throwAt: coordinates(p.enrichThrowAt, "enrichThrowAt"),
      crashAt: coordinates(p.enrichCrashAt, "enrichCrashAt"),
    },
    batcher: { crashOnNthChunk: count(p.crashBatcherOnNthChunk) },
    consumer: { failEveryNthCommit: count(p.failEveryNthCommit) },
    loseBatch: count(p.loseBatch),
  };
}
