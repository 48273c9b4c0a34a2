/**
 * Staged rows packed for the trip between Workers: each column as one JSON array text, all
 * columns UTF-8 encoded into one byte buffer. The buffer is transferred (not copied) when a Worker
 * emits it, and copied as one block when the host delivers it, where a column of values would
 * cost structured clone work per value. Rows are encoded once (enricher) and parsed once (writer);
 * the batcher joins batches byte range by byte range without parsing them.
 */
import { type Cell, type RowBatch, STAGING_COLUMNS } from "./staging_columns.ts";

/** Rows as one JSON array text per staging column, in column order, in one UTF-8 buffer. */
export interface PackedRows {
  readonly rowCount: number;
  /** Every column's JSON text, one after another. */
  readonly bytes: Uint8Array;
  /** End of column i's text in `bytes` (its start is the previous end, or 0). */
  readonly ends: Uint32Array;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const OPEN = 0x5b; // [
const CLOSE = 0x5d; // ]
const COMMA = 0x2c; // ,

function assemble(rowCount: number, columns: readonly Uint8Array[]): PackedRows {
  const ends = new Uint32Array(columns.length);
  let total = 0;
  columns.forEach((c, i) => ends[i] = total += c.byteLength);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const c of columns) {
    bytes.set(c, at);
    at += c.byteLength;
  }
  return { rowCount, bytes, ends };
}

function columnBytes(packed: PackedRows, i: number): Uint8Array {
  const start = i === 0 ? 0 : packed.ends[i - 1] ?? 0;
  return packed.bytes.subarray(start, packed.ends[i] ?? start);
}

/** Packs a row batch (call once, where the rows are made). */
export function packRows(rows: RowBatch): PackedRows {
  return assemble(rows.rowCount, rows.columns.map((c) => encoder.encode(JSON.stringify(c))));
}

/** No rows, every column present. */
export function emptyRows(): PackedRows {
  return assemble(0, STAGING_COLUMNS.map(() => encoder.encode("[]")));
}

/** The buffers to list as transferables when emitting packed rows. */
export function rowsTransferables(packed: PackedRows): ArrayBuffer[] {
  return [packed.bytes.buffer, packed.ends.buffer].filter((b): b is ArrayBuffer =>
    b instanceof ArrayBuffer
  );
}

/** Unpacks rows (call once, where they are stored); `TypeError` when a column does not fit. */
export function unpackRows(packed: PackedRows): RowBatch {
  const columns = STAGING_COLUMNS.map((spec, i): Cell[] => {
    const column: unknown = JSON.parse(decoder.decode(columnBytes(packed, i)));
    if (!Array.isArray(column) || column.length !== packed.rowCount) {
      throw new TypeError(`Packed column ${spec.name} does not hold ${packed.rowCount} values`);
    }
    return column as Cell[];
  });
  return { rowCount: packed.rowCount, columns };
}

/** Joins packed batches in order, column by column, as bytes. */
export function concatRows(parts: readonly PackedRows[]): PackedRows {
  const filled = parts.filter((p) => p.rowCount > 0);
  if (filled.length === 1 && filled[0] !== undefined) return filled[0];
  if (filled.length === 0) return emptyRows();
  const rowCount = filled.reduce((n, p) => n + p.rowCount, 0);
  const columns = STAGING_COLUMNS.map((_, col) => {
    // Each part's column is "[...]": keep the insides, joined by commas, inside one pair.
    const insides = filled.map((p) => {
      const c = columnBytes(p, col);
      return c.subarray(1, c.byteLength - 1);
    });
    const out = new Uint8Array(insides.reduce((n, b) => n + b.byteLength, 0) + insides.length + 1);
    let at = 0;
    out[at++] = OPEN;
    insides.forEach((inside, i) => {
      if (i > 0) out[at++] = COMMA;
      out.set(inside, at);
      at += inside.byteLength;
    });
    out[at++] = CLOSE;
    return out;
  });
  return assemble(rowCount, columns);
}

/** Checks packed rows received from another Worker (shape only; values are checked on unpack). */
export const isPackedRows = (v: unknown): v is PackedRows =>
  typeof v === "object" && v !== null && "rowCount" in v && typeof v.rowCount === "number" &&
  "bytes" in v && v.bytes instanceof Uint8Array && "ends" in v && v.ends instanceof Uint32Array &&
  v.ends.length === STAGING_COLUMNS.length &&
  (v.ends[v.ends.length - 1] ?? 0) === v.bytes.byteLength;
