/**
 * Appends a batch's new rows to a generation's staging table through the columnar path (or chunks
 * built beforehand from the same columns), stamped with `_ingested_at` and their partition's
 * watermark epoch, and its dead letters (raw bytes as
 * BLOB) row by row: they are few. Runs inside the caller's transaction; on failure the
 * appender's buffer is discarded, never flushed.
 */

import {
  type DuckDBConnection,
  type DuckDBDataChunk,
  DuckDBTimestampTZValue,
} from "@duckdb/node-api";
import {
  type Cell,
  type DeadLetter,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../../messages/staging_columns.ts";
import { packedOf, viewOf } from "../../../messages/packed_rows.ts";
import { appendChunks, appendColumns, type ChunkColumn } from "./column_chunks.ts";
import type { TableColumnType } from "../table_columns.ts";
import { stagingTable } from "./schema.ts";
import { withAppender } from "./appender_scope.ts";
import { NARROW_STAGING_COLUMNS } from "./staging_shape.ts";

/** A staging row's column index by name (the writer's stamps are past the row's end). */
const ROW_INDEX = new Map(STAGING_COLUMNS.map((c, i) => [c.name, i]));

/**
 * A batch's rows as the columns `table` names (a narrow generation's unless a bench says
 * otherwise), picked by name from the row: stamped with `_ingested_at` and epochs.
 */
export function stagingColumns(
  rows: RowBatch,
  ingestedAtMs: number,
  epochs: readonly Cell[],
  table: readonly { name: string; type: TableColumnType }[] = NARROW_STAGING_COLUMNS,
): ChunkColumn[] {
  const stamped: Record<string, readonly Cell[]> = {
    _ingested_at: new Array<number>(rows.rowCount).fill(ingestedAtMs),
    _offset_epoch: epochs,
  };
  const packed = packedOf(rows);
  return table.map((spec) => {
    const i = ROW_INDEX.get(spec.name);
    if (i === undefined) {
      const cells = stamped[spec.name];
      if (cells === undefined) {
        throw new RangeError(
          `Cannot stage column ${spec.name}: neither the row nor the writer has it`,
        );
      }
      return { name: spec.name, type: spec.type, cells };
    }
    return packed !== undefined
      ? { name: spec.name, type: spec.type, packed: viewOf(packed, i) }
      : { name: spec.name, type: spec.type, cells: rows.columns[i] ?? [] };
  });
}

/**
 * Appends `rows` to `staging_g<generation>`, row i under watermark epoch `epochs[i]`;
 * `afterChunk` observes progress (tests).
 */
export async function appendStaging(
  connection: DuckDBConnection,
  generation: number,
  rows: RowBatch,
  ingestedAtMs: number,
  epochs: readonly Cell[],
  afterChunk?: (appendedRows: number) => void,
): Promise<void> {
  if (rows.rowCount === 0) return;
  const columns = stagingColumns(rows, ingestedAtMs, epochs);
  await withAppender(connection, stagingTable(generation), (appender) => {
    appendColumns(appender, columns, rows.rowCount, afterChunk);
  });
}

/** Appends chunks built beforehand (`buildChunks` of `stagingColumns`) to the staging table. */
export async function appendStagingChunks(
  connection: DuckDBConnection,
  generation: number,
  chunks: readonly DuckDBDataChunk[],
  afterChunk?: (appendedRows: number) => void,
): Promise<void> {
  if (chunks.length === 0) return;
  await withAppender(connection, stagingTable(generation), (appender) => {
    appendChunks(appender, chunks, afterChunk);
  });
}

/** Appends dead letters to `dead_letters`, each under its partition's watermark epoch. */
export async function appendDeadLetters(
  connection: DuckDBConnection,
  letters: readonly DeadLetter[],
  ingestedAtMs: number,
  epochOf: (letter: DeadLetter) => number,
): Promise<void> {
  if (letters.length === 0) return;
  const ingestedAt = new DuckDBTimestampTZValue(BigInt(ingestedAtMs) * 1000n);
  await withAppender(connection, "dead_letters", (appender) => {
    for (const letter of letters) {
      appender.appendVarchar(letter.topic);
      appender.appendInteger(letter.partition);
      appender.appendBigInt(BigInt(letter.offset));
      if (letter.kafkaTimestampMs === null) appender.appendNull();
      else appender.appendBigInt(BigInt(letter.kafkaTimestampMs));
      appender.appendVarchar(letter.code);
      appender.appendVarchar(letter.reason);
      appender.appendBlob(letter.raw);
      appender.appendTimestampTZ(ingestedAt);
      appender.appendInteger(epochOf(letter));
      appender.endRow();
    }
  });
}
