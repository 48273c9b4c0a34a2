/**
 * The enricher's behaviour without Workers: Kafka messages -> staged rows, built column by
 * column into preallocated arrays, plus dead letters for values that carry no event or whose
 * enrichment threw. Every message becomes exactly one of the two, and the caller learns which.
 */

import type { EventCoordinates } from "../../messages/enricher.ts";
import {
  type Cell,
  type DeadLetter,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../messages/staging_columns.ts";
import { decodeEvent } from "./decode_event.ts";
import { columnAt } from "./event_fields.ts";
import { cellAt, nullColumns, put } from "./row_cells.ts";
import { type StageContext, stageEvent } from "./stage_event.ts";

/** A Kafka message as plain data. */
export interface KafkaMessage {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: Uint8Array | null;
  readonly value: Uint8Array;
}

/** Test-only faults (never set in production). */
export interface EnrichFaults {
  /** Staging the message at these coordinates throws, as a bug in an enrichment step would. */
  readonly throwAt: EventCoordinates | null;
}

/** No faults. */
export const NO_ENRICH_FAULTS: EnrichFaults = { throwAt: null };

/** What a batch of messages became. */
export interface EnrichedBatch {
  /** The staged rows, in message order. */
  readonly rows: RowBatch;
  /** Messages that could not become rows, in message order. */
  readonly deadLetters: DeadLetter[];
  /** For message `i` (input order): its row index in `rows`, or -1 when it is a dead letter. */
  readonly rowOf: Int32Array;
  /** Rows with at least one field problem. */
  readonly rowsWithProblems: number;
}

const KAFKA = {
  topic: columnAt("_topic"),
  partition: columnAt("_partition"),
  offset: columnAt("_offset"),
  timestamp: columnAt("_kafka_timestamp_ms"),
} as const;
const PROBLEMS = columnAt("field_problems");

function deadLetter(message: KafkaMessage, code: string, reason: string): DeadLetter {
  return {
    topic: message.topic,
    partition: message.partition,
    offset: message.offset,
    kafkaTimestampMs: message.timestampMs,
    code,
    reason,
    // A copy: a view would drag (and clone) the whole buffer it looks into.
    raw: message.value.slice(),
  };
}

/**
 * Enriches `messages` into rows and dead letters. Bad input never throws: undecodable values
 * become dead letters (`not_utf8`, `not_json`, `not_object`) and field problems stay on their
 * row. A throw while staging one event (a bug, a broken geo table) turns that event alone into an
 * `enrich_failed` dead letter with the error as its reason; its neighbours are staged.
 *
 * @example
 * ```ts
 * const context = { userAgents: new UserAgentCache(10_000), geo };
 * const { rows, deadLetters, rowOf } = enrichBatch(messages, context);
 * ```
 */
export function enrichBatch(
  messages: readonly KafkaMessage[],
  context: StageContext,
  faults: EnrichFaults = NO_ENRICH_FAULTS,
): EnrichedBatch {
  const count = messages.length;
  const columns: Cell[][] = nullColumns(STAGING_COLUMNS.length, count);
  const deadLetters: DeadLetter[] = [];
  const rowOf = new Int32Array(count).fill(-1);
  let rows = 0;
  let rowsWithProblems = 0;
  for (let i = 0; i < count; i++) {
    const message = messages[i];
    if (message === undefined) continue;
    const decoded = decodeEvent(message.value);
    if (!decoded.ok) {
      deadLetters.push(deadLetter(message, decoded.code, decoded.reason));
      continue;
    }
    try {
      const at = faults.throwAt;
      if (at !== null && at.partition === message.partition && at.offset === message.offset) {
        throw new Error(`injected enrichment failure at ${at.partition}@${at.offset} (test fault)`);
      }
      stageEvent(decoded.event, columns, rows, context);
    } catch (error: unknown) {
      // What the failed event wrote so far must not leak into the next event's row.
      for (const cells of columns) cells[rows] = null;
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      deadLetters.push(deadLetter(message, "enrich_failed", `enrichment threw: ${why}`));
      continue;
    }
    put(columns, KAFKA.topic, rows, message.topic);
    put(columns, KAFKA.partition, rows, message.partition);
    put(columns, KAFKA.offset, rows, message.offset);
    put(columns, KAFKA.timestamp, rows, message.timestampMs);
    if (cellAt(columns, PROBLEMS, rows) !== null) rowsWithProblems++;
    rowOf[i] = rows++;
  }
  if (rows < count) { for (const cells of columns) cells.length = rows; }
  return { rows: { rowCount: rows, columns }, deadLetters, rowOf, rowsWithProblems };
}
