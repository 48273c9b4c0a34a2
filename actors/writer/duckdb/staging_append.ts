/**
 * Appends a batch's new rows to a generation's staging table through the columnar path, stamped
 * with `_ingested_at`, and its dead letters (raw bytes as BLOB) row by row: they are few. Runs
 * inside the caller's transaction; on failure the appender's buffer is discarded, never flushed.
 */

import {
  type DuckDBAppender,
  type DuckDBConnection,
  DuckDBTimestampTZValue,
} from "@duckdb/node-api";
import type { DeadLetter, RowBatch } from "../../../messages/staging_columns.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";
import { STAGING_TABLE_COLUMNS, stagingTable } from "./schema.ts";

/** Appends through a fresh appender and closes (flushes) it; discards its buffer on failure. */
async function withAppender(
  connection: DuckDBConnection,
  table: string,
  fill: (appender: DuckDBAppender) => void,
): Promise<void> {
  const appender = await connection.createAppender(table);
  try {
    fill(appender);
  } catch (error: unknown) {
    // Closing flushes, so clear first: a half-filled batch must never reach the table.
    appender.clear();
    appender.closeSync();
    throw error;
  }
  appender.closeSync();
}

/** Appends `rows` to `staging_g<generation>`; `afterChunk` observes progress (tests). */
export async function appendStaging(
  connection: DuckDBConnection,
  generation: number,
  rows: RowBatch,
  ingestedAtMs: number,
  afterChunk?: (appendedRows: number) => void,
): Promise<void> {
  if (rows.rowCount === 0) return;
  const stamp = new Array<number>(rows.rowCount).fill(ingestedAtMs);
  const columns: ChunkColumn[] = STAGING_TABLE_COLUMNS.map((spec, i) => ({
    name: spec.name,
    type: spec.type,
    cells: rows.columns[i] ?? stamp,
  }));
  await withAppender(connection, stagingTable(generation), (appender) => {
    appendColumns(appender, columns, rows.rowCount, afterChunk);
  });
}

/** Appends dead letters to `dead_letters`. */
export async function appendDeadLetters(
  connection: DuckDBConnection,
  letters: readonly DeadLetter[],
  ingestedAtMs: number,
): Promise<void> {
  if (letters.length === 0) return;
  const ingestedAt = new DuckDBTimestampTZValue(BigInt(ingestedAtMs) * 1000n);
  await withAppender(connection, "dead_letters", (appender) => {
    for (const letter of letters) {
      appender.appendVarchar(letter.topic);
      appender.appendInteger(letter.partition);
      appender.appendBigInt(BigInt(letter.offset));
      appender.appendBigInt(BigInt(letter.kafkaTimestampMs));
      appender.appendVarchar(letter.code);
      appender.appendVarchar(letter.reason);
      appender.appendBlob(letter.raw);
      appender.appendTimestampTZ(ingestedAt);
      appender.endRow();
    }
  });
}
