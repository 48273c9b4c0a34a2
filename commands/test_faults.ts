/**
 * Test-only fault injection for the end-to-end tests: `PIPELINE_TEST_FAULTS` holds JSON such as
 * `{"crashAfterEveryNthWrite": 7}`. Never set it in production; unset means no faults.
 */
import type { WriterFaults } from "../messages/writer.ts";

const NONE: WriterFaults = { crashAfterEveryNthWrite: 0, failEveryNthWrite: 0 };

/** The faults asked for, or none. */
export function testFaults(text = Deno.env.get("PIPELINE_TEST_FAULTS")): WriterFaults {
  if (text === undefined || text === "") return NONE;
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== "object" || parsed === null) {
    throw new TypeError(`PIPELINE_TEST_FAULTS must be a JSON object, got ${text}`);
  }
  const p = parsed as Record<string, unknown>;
  const n = (v: unknown) => (typeof v === "number" && v >= 0 ? v : 0);
  return {
    crashAfterEveryNthWrite: n(p.crashAfterEveryNthWrite),
    failEveryNthWrite: n(p.failEveryNthWrite),
  };
}
