/**
 * The packed-rows format, declared once: staged rows as typed column buffers in one ArrayBuffer,
 * built once by the enricher, joined by byte ranges in the batcher and read by the DuckDB writer
 * straight into vectors (other readers decode a column to cells). A header of Uint32 words
 * (magic, row count, column count, then per column four sections as byte offset and length)
 * precedes the sections, each 8-byte aligned:
 *
 * - validity: bit i of byte i/8 set when row i holds a value (DuckDB's own bit order);
 * - values: by column type, int64 (BIGINT), int32 (INTEGER), float64 (DOUBLE), one byte 0/1
 *   (BOOLEAN), or a Uint32 per row: UTF-8 byte length (VARCHAR, and `cart_products` as one JSON
 *   text per cell) or element count (VARCHAR[], `option`);
 * - children: VARCHAR[]: the UTF-8 byte length of each element; `option` (a list of structs whose
 *   members are all text): per element, the byte length of each member in declared order, or
 *   `ABSENT` for a member the element does not hold;
 * - bytes: the UTF-8 text of the column, cell after cell (element after element, member after
 *   member).
 *
 * Lengths, not offsets, so that joining parts is copying their bytes. A buffer that does not fit
 * is a `TypeError` naming the column, raised where its bytes are read (`columnView`).
 */
import { isUtf8 } from "node:buffer";
import { zeroedBytes } from "../actors/runtime/buffer_pool.ts";
import { nestedListProblem } from "./nested_columns.ts";
import { type Cell, type ColumnType, NESTED_TYPES, STAGING_COLUMNS } from "./staging_columns.ts";

/** How a column's values are laid out. */
export type ColumnKind =
  | "text"
  | "json"
  | "list"
  | "records"
  | "int64"
  | "int32"
  | "float64"
  | "bool";

/** The layout of each column type. */
export const KIND_OF: Readonly<Record<ColumnType, ColumnKind>> = {
  VARCHAR: "text",
  "OPTION[]": "records",
  "CART_PRODUCT[]": "json",
  "VARCHAR[]": "list",
  BIGINT: "int64",
  INTEGER: "int32",
  DOUBLE: "float64",
  BOOLEAN: "bool",
};

/** Whether a kind's values are text (its bytes section holds them). */
export const hasText = (kind: ColumnKind): boolean =>
  kind === "text" || kind === "json" || kind === "list" || kind === "records";

/** A `records` member length meaning "the element does not hold this member". */
export const ABSENT = 0xffffffff;

/** Bytes per row of each kind's values section. */
export const VALUE_WIDTH: Readonly<Record<ColumnKind, number>> = {
  text: 4,
  json: 4,
  list: 4,
  records: 4,
  int64: 8,
  int32: 4,
  float64: 8,
  bool: 1,
};

/** "PKR1" little-endian: marks a buffer of this format and version. */
export const MAGIC = 0x31524b50;
/**
 * Words before the section directory: magic, row count, column count, and how many cells the
 * packer stored null because they did not fit their column (each with a field problem).
 */
export const HEADER_WORDS = 4;
/** Sections per column, in directory order. */
export const SECTIONS = 4;
export const VALIDITY = 0;
export const VALUES = 1;
export const CHILDREN = 2;
export const BYTES = 3;

/** Bytes of the header and directory of `columns` columns. */
export const headerBytes = (columns: number): number =>
  align8((HEADER_WORDS + columns * SECTIONS * 2) * 4);

/** `n` rounded up to a multiple of 8. */
export const align8 = (n: number): number => (n + 7) & ~7;

/**
 * A buffer for `rowCount` rows whose column `c` has sections of `sizes[c][k]` bytes: header and
 * directory written, sections zeroed. Returns it and each section's offset (`at[c][k]`).
 */
export function allocate(
  rowCount: number,
  sizes: readonly (readonly number[])[],
  misfits = 0,
): { bytes: Uint8Array; at: number[][] } {
  const head = headerBytes(sizes.length);
  let total = head;
  const at = sizes.map((column) =>
    column.map((size) => {
      const start = total;
      total += align8(size);
      return start;
    })
  );
  const bytes = zeroedBytes(total);
  const words = new Uint32Array(bytes.buffer, 0, head / 4);
  words[0] = MAGIC;
  words[1] = rowCount;
  words[2] = sizes.length;
  words[3] = misfits;
  sizes.forEach((column, c) =>
    column.forEach((size, k) => {
      const entry = HEADER_WORDS + (c * SECTIONS + k) * 2;
      words[entry] = at[c]?.[k] ?? 0;
      words[entry + 1] = size;
    })
  );
  return { bytes, at };
}

/** The header and directory of `bytes` as words (`sectionOf` spells out one entry). */
export function directoryOf(bytes: Uint8Array): Uint32Array {
  return new Uint32Array(bytes.buffer, bytes.byteOffset, headerBytes(STAGING_COLUMNS.length) / 4);
}

/** Cells the packer stored null because they did not fit their column (header word 3). */
export const misfitsOf = (bytes: Uint8Array): number => directoryOf(bytes)[3] ?? 0;

/** Where section `k` of column `c` lies in `bytes` (offset from `bytes.byteOffset`, length). */
export function sectionOf(bytes: Uint8Array, c: number, k: number): [number, number] {
  const entry = HEADER_WORDS + (c * SECTIONS + k) * 2;
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, entry + 2);
  return [words[entry] ?? 0, words[entry + 1] ?? 0];
}

/** Why `bytes` is not a buffer of `rowCount` staging rows in this format (directory only). */
export function layoutProblem(bytes: Uint8Array, rowCount: number): string | null {
  const columns = STAGING_COLUMNS.length;
  if (bytes.byteOffset % 8 !== 0) return "the buffer is not 8-byte aligned";
  if (bytes.byteLength < headerBytes(columns)) return "the buffer is shorter than its header";
  const words = new Uint32Array(bytes.buffer, bytes.byteOffset, HEADER_WORDS);
  if (words[0] !== MAGIC) return `the buffer does not start with the format's magic number`;
  if (words[1] !== rowCount) return `the buffer holds ${words[1]} rows, not ${rowCount}`;
  if (words[2] !== columns) return `the buffer holds ${words[2]} columns, not ${columns}`;
  const directory = directoryOf(bytes);
  for (let c = 0; c < columns; c++) {
    const spec = STAGING_COLUMNS[c];
    if (spec === undefined) return `column ${c} is not declared`;
    const kind = KIND_OF[spec.type];
    const expected = [Math.ceil(rowCount / 8), rowCount * VALUE_WIDTH[kind]];
    for (let k = 0; k < SECTIONS; k++) {
      const entry = HEADER_WORDS + (c * SECTIONS + k) * 2;
      const at = directory[entry] ?? 0;
      const length = directory[entry + 1] ?? 0;
      if (at % 8 !== 0 || at + length > bytes.byteLength) {
        return `column ${spec.name}: section ${k} (${at}+${length}) lies outside the buffer`;
      }
      const want = expected[k];
      if (want !== undefined && length !== want) {
        return `column ${spec.name}: section ${k} holds ${length} bytes, not ${want}`;
      }
      if (k === CHILDREN && kind !== "list" && kind !== "records" && length !== 0) {
        return `column ${spec.name}: a ${spec.type} column has no element lengths`;
      }
      if (k === BYTES && !hasText(kind)) {
        if (length !== 0) return `column ${spec.name}: a ${spec.type} column has no text`;
      }
    }
  }
  return null;
}

/**
 * Why `cell` cannot be a value of column `name` of type `type`, or null when it can (null always
 * can). The one statement of what each column type holds, for the encoder and the warehouses.
 */
export function cellProblem(cell: Cell, type: ColumnType, name: string): string | null {
  if (cell === null) return null;
  switch (type) {
    case "VARCHAR":
      return typeof cell === "string" ? null : "is not text";
    case "INTEGER":
      return typeof cell === "number" && (cell | 0) === cell ? null : "is not a 32-bit integer";
    case "BIGINT":
      return Number.isSafeInteger(cell)
        ? null
        : "is not an integer JavaScript can hold exactly (|n| < 2^53)";
    case "DOUBLE":
      return typeof cell === "number" ? null : "is not a number";
    case "BOOLEAN":
      return typeof cell === "boolean" ? null : "is not true or false";
    case "VARCHAR[]":
      return Array.isArray(cell) && cell.every((s) => typeof s === "string")
        ? null
        : "is not a list of text";
    case "OPTION[]":
    case "CART_PRODUCT[]": {
      const why = nestedListProblem(cell, NESTED_TYPES[type], "");
      return why === null ? null : `is not a list of ${name} elements (${why.trimStart()})`;
    }
  }
}

/** Checks that every cut of `bytes` at `starts` falls on a character and the text is UTF-8. */
export function utf8Problem(bytes: Uint8Array, starts: Uint32Array): string | null {
  if (!isUtf8(bytes)) return "its text is not valid UTF-8";
  for (let i = 0; i < starts.length; i++) {
    const at = starts[i] ?? 0;
    if (at < bytes.byteLength && ((bytes[at] ?? 0) & 0xc0) === 0x80) {
      return `value ${i} starts inside a character`;
    }
  }
  return null;
}
