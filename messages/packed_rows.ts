/**
 * Staged rows packed for the trip between Workers: typed column buffers in one transferable
 * buffer (the format is `column_codec.ts`). Rows are encoded once (enricher), joined by copying
 * byte ranges (batcher) and read column by column where they are stored: the DuckDB writer fills
 * its vectors from the bytes (`packedOf`), other readers decode the columns they touch.
 */
import {
  allocate,
  BYTES,
  CHILDREN,
  directoryOf,
  HEADER_WORDS,
  layoutProblem,
  misfitsOf,
  SECTIONS,
  VALIDITY,
} from "./column_codec.ts";
import { copyBytes } from "../actors/runtime/buffer_pool.ts";
import { encodeRows } from "./column_encoder.ts";
import { type ColumnView, columnView, decodeColumn } from "./column_view.ts";
import { type Cell, type RowBatch, STAGING_COLUMNS } from "./staging_columns.ts";

const EMPTY = new Uint8Array(0);

/** Rows as typed column buffers in one buffer (see `column_codec.ts`). */
export interface PackedRows {
  readonly rowCount: number;
  /** Header, directory and every column's sections. */
  readonly bytes: Uint8Array;
}

/** Packs a row batch (call once, where the rows are made); misfit cells become field problems. */
export function packRows(rows: RowBatch): PackedRows {
  return { rowCount: rows.rowCount, bytes: encodeRows(rows) };
}

/** No rows, every column present. */
export function emptyRows(): PackedRows {
  return packRows({ rowCount: 0, columns: STAGING_COLUMNS.map(() => []) });
}

/** The rows with their bytes copied (for a receiver while the sender keeps the original). */
export function copiedRows(packed: PackedRows): PackedRows {
  return { rowCount: packed.rowCount, bytes: copyBytes(packed.bytes) };
}

/** The buffers to list as transferables when emitting packed rows. */
export function rowsTransferables(packed: PackedRows): ArrayBuffer[] {
  const buffer = packed.bytes.buffer;
  return buffer instanceof ArrayBuffer ? [buffer] : [];
}

/** Checked views of packed rows' columns, made once per column. */
const views = new WeakMap<PackedRows, ColumnView[]>();

/** The checked view of column `c` (made once); `TypeError` naming the column when it does not fit. */
export function viewOf(packed: PackedRows, c: number): ColumnView {
  let made = views.get(packed);
  if (made === undefined) views.set(packed, made = []);
  return made[c] ??= columnView(packed, c);
}

/** Batches unpacked from packed rows, with the rows they came from (see `packedOf`). */
const sources = new WeakMap<RowBatch, { packed: PackedRows; columns: Cell[][] }>();

/**
 * Unpacks rows: each column is decoded to cells on first access, so a reader pays only for the
 * columns it reads. `TypeError` naming the column when its bytes do not fit.
 */
export function unpackRows(packed: PackedRows): RowBatch {
  const columns: Cell[][] = new Array<Cell[]>(STAGING_COLUMNS.length);
  for (let c = 0; c < STAGING_COLUMNS.length; c++) {
    Object.defineProperty(columns, c, {
      configurable: true,
      enumerable: true,
      get() {
        const value = decodeColumn(viewOf(packed, c));
        Object.defineProperty(columns, c, { value, writable: true, enumerable: true });
        return value;
      },
    });
  }
  const rows: RowBatch = { rowCount: packed.rowCount, columns };
  sources.set(rows, { packed, columns });
  return rows;
}

/**
 * The packed rows `rows` was unpacked from, when its columns are still those (a batch made from
 * it by picking, fixing or copying columns has none): the writer then reads bytes, not cells.
 * Decoded columns are not to be changed in place.
 */
export function packedOf(rows: RowBatch): PackedRows | undefined {
  const source = sources.get(rows);
  return source !== undefined && source.columns === rows.columns ? source.packed : undefined;
}

/**
 * Joins validity bitmaps of parts into `out` (bits of part i follow those of part i - 1); bits
 * past a part's last row are ignored.
 */
function joinBits(out: Uint8Array, parts: readonly { bits: Uint8Array; rows: number }[]): void {
  let row = 0;
  for (const { bits, rows } of parts) {
    const shift = row & 7;
    const base = row >>> 3;
    const used = Math.ceil(rows / 8);
    const lastMask = rows % 8 === 0 ? 0xff : (1 << (rows % 8)) - 1;
    for (let i = 0; i < used; i++) {
      const b = (bits[i] ?? 0) & (i === used - 1 ? lastMask : 0xff);
      if (shift === 0) out[base + i] = b;
      else {
        out[base + i] = (out[base + i] ?? 0) | ((b << shift) & 0xff);
        if (base + i + 1 < out.length) out[base + i + 1] = b >>> (8 - shift);
      }
    }
    row += rows;
  }
}

/** Joins packed batches in order, column by column, copying byte ranges. */
export function concatRows(parts: readonly PackedRows[]): PackedRows {
  const filled = parts.filter((p) => p.rowCount > 0);
  if (filled.length === 1 && filled[0] !== undefined) return filled[0];
  if (filled.length === 0) return emptyRows();
  const rowCount = filled.reduce((n, p) => n + p.rowCount, 0);
  const directories = filled.map((p) => directoryOf(p.bytes));
  const section = (p: number, c: number, k: number) => {
    const entry = HEADER_WORDS + (c * SECTIONS + k) * 2;
    const at = directories[p]?.[entry] ?? 0;
    return filled[p]?.bytes.subarray(at, at + (directories[p]?.[entry + 1] ?? 0)) ?? EMPTY;
  };
  const sizes = STAGING_COLUMNS.map((_, c) =>
    Array.from({ length: SECTIONS }, (_, k) => {
      if (k === VALIDITY) return Math.ceil(rowCount / 8);
      let size = 0;
      for (let p = 0; p < filled.length; p++) size += section(p, c, k).byteLength;
      return size;
    })
  );
  const misfits = filled.reduce((n, p) => n + misfitsOf(p.bytes), 0);
  const { bytes, at } = allocate(rowCount, sizes, misfits);
  STAGING_COLUMNS.forEach((_, c) => {
    const starts = at[c] ?? [];
    const validity = starts[VALIDITY] ?? 0;
    joinBits(
      bytes.subarray(validity, validity + Math.ceil(rowCount / 8)),
      filled.map((part, p) => ({ bits: section(p, c, VALIDITY), rows: part.rowCount })),
    );
    for (const k of [VALIDITY + 1, CHILDREN, BYTES]) {
      let to = starts[k] ?? 0;
      for (let p = 0; p < filled.length; p++) {
        const s = section(p, c, k);
        bytes.set(s, to);
        to += s.byteLength;
      }
    }
  });
  return { rowCount, bytes };
}

/** Why `v` is not packed rows (its directory is checked; its values where they are read). */
export function packedRowsProblem(v: unknown): string | null {
  if (typeof v !== "object" || v === null) return "not an object";
  if (!("rowCount" in v) || typeof v.rowCount !== "number" || !Number.isInteger(v.rowCount)) {
    return "rowCount is not an integer";
  }
  if (!("bytes" in v) || !(v.bytes instanceof Uint8Array)) return "bytes is not a Uint8Array";
  return layoutProblem(v.bytes, v.rowCount);
}

/** Checks packed rows received from another Worker (the directory; values are checked on read). */
export const isPackedRows = (v: unknown): v is PackedRows => packedRowsProblem(v) === null;
