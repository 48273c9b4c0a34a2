/**
 * The enricher's behaviour without Workers: Kafka messages -> staged rows, built column by
 * column into preallocated arrays, plus dead letters for values that carry no event. Every
 * message becomes exactly one of the two, and the caller learns which (commit order).
 */

import {
  type Cell,
  type DeadLetter,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../messages/staging_columns.ts";
import { decodeEvent } from "./decode_event.ts";
import { EnrichError } from "./enrich_error.ts";
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
 * row. A throw while staging (a bug, a broken geo table) fails the batch with an `EnrichError`
 * naming the message, for the runtime to retry and, if it persists, dead-letter as poison.
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
      stageEvent(decoded.event, columns, rows, context);
    } catch (error) {
      throw new EnrichError(message.topic, message.partition, message.offset, error);
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
