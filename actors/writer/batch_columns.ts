/**
 * Named access to a RowBatch's columns for the writer. `COLUMN_INDEX` is typed by `string` (the
 * contract's `ColumnName` widens), so a lookup may be undefined; this resolves it once and fails
 * loudly on an unknown name instead of reading an empty column.
 */

import { type Cell, COLUMN_INDEX, type RowBatch } from "../../messages/staging_columns.ts";
import { cellAt } from "../../messages/column_view.ts";
import { packedOf, viewOf } from "../../messages/packed_rows.ts";

/** Index of a staging column; `RangeError` for a name the contract does not declare. */
export function columnIndex(name: string): number {
  const index = COLUMN_INDEX[name];
  if (index === undefined) throw new RangeError(`Unknown staging column: ${name}`);
  return index;
}

/** The cells of a named column (an empty array when the batch lacks it). */
export function columnOf(batch: RowBatch, name: string): Cell[] {
  return batch.columns[columnIndex(name)] ?? [];
}

/** The cells of a named column at `rows` only (read from the packed bytes when there are some). */
export function cellsAt(batch: RowBatch, name: string, rows: readonly number[]): Cell[] {
  const packed = packedOf(batch);
  if (packed !== undefined) {
    const view = viewOf(packed, columnIndex(name));
    return rows.map((row) => cellAt(view, row));
  }
  const cells = columnOf(batch, name);
  return rows.map((row) => cells[row] ?? null);
}
