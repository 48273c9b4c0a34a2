/**
 * Cell access on a columnar batch under construction (`columns[i][row]`), checked once per call
 * so the stagers need no casts. A missing column is a programming error: it throws.
 */

import type { Cell } from "../../messages/staging_columns.ts";

/** Sets the cell of `column` at `row`. */
export function put(columns: Cell[][], column: number, row: number, value: Cell): void {
  const cells = columns[column];
  if (cells === undefined) {
    throw new RangeError(`Cannot write staging column ${column}: no such column`);
  }
  cells[row] = value;
}

/** The cell of `column` at `row` (null when unset). */
export function cellAt(columns: Cell[][], column: number, row: number): Cell {
  return columns[column]?.[row] ?? null;
}

/** Columns of `rowCount` null cells each. */
export function nullColumns(columnCount: number, rowCount: number): Cell[][] {
  const columns: Cell[][] = new Array(columnCount);
  for (let i = 0; i < columnCount; i++) columns[i] = new Array<Cell>(rowCount).fill(null);
  return columns;
}
