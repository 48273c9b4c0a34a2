/**
 * Staged rows packed for the trip between Workers: each column as one JSON text. Structured
 * clone copies a string as one block, where a column of values costs it work per value, and
 * rows cross up to four boundaries (enricher, host, batcher, host, writer) but are encoded and
 * parsed once. Batches are assembled by joining texts, without parsing them.
 */
import { type Cell, type RowBatch, STAGING_COLUMNS } from "./staging_columns.ts";

/** Rows as one JSON array text per staging column, in column order. */
export interface PackedRows {
  readonly rowCount: number;
  readonly columns: string[];
}

/** Packs a row batch (call once, where the rows are made). */
export function packRows(rows: RowBatch): PackedRows {
  return { rowCount: rows.rowCount, columns: rows.columns.map((c) => JSON.stringify(c)) };
}

/** No rows, every column present. */
export function emptyRows(): PackedRows {
  return { rowCount: 0, columns: STAGING_COLUMNS.map(() => "[]") };
}

/** Unpacks rows (call once, where they are stored); `TypeError` when a column does not fit. */
export function unpackRows(packed: PackedRows): RowBatch {
  const columns = packed.columns.map((text, i): Cell[] => {
    const column: unknown = JSON.parse(text);
    if (!Array.isArray(column) || column.length !== packed.rowCount) {
      throw new TypeError(
        `Packed column ${STAGING_COLUMNS[i]?.name ?? i} does not hold ${packed.rowCount} values`,
      );
    }
    return column as Cell[];
  });
  return { rowCount: packed.rowCount, columns };
}

/** Joins packed batches in order, text by text. */
export function concatRows(parts: readonly PackedRows[]): PackedRows {
  const filled = parts.filter((p) => p.rowCount > 0);
  if (filled.length === 1 && filled[0] !== undefined) return filled[0];
  const rowCount = filled.reduce((n, p) => n + p.rowCount, 0);
  const columns = STAGING_COLUMNS.map((_, col) =>
    `[${filled.map((p) => (p.columns[col] ?? "[]").slice(1, -1)).join(",")}]`
  );
  return { rowCount, columns };
}

/** Checks packed rows received from another Worker (shape only; values are checked on unpack). */
export const isPackedRows = (v: unknown): v is PackedRows =>
  typeof v === "object" && v !== null && "rowCount" in v && typeof v.rowCount === "number" &&
  "columns" in v && Array.isArray(v.columns) && v.columns.length === STAGING_COLUMNS.length &&
  v.columns.every((c) => typeof c === "string");
