/**
 * The columnar append path: fills DuckDB data chunks (2048 rows each) column by column straight
 * from packed column bytes (`packed_vectors.ts`) or from cells through the C API bindings, and
 * appends them with `appendDataChunk`. Numbers, booleans, validity masks and strings are written
 * in bulk, a few native calls per vector (`vector_strings.ts`). A cell of the wrong type throws a
 * `TypeError`.
 */

import {
  BIGINT,
  BOOLEAN,
  DOUBLE,
  type DuckDBAppender,
  DuckDBDataChunk,
  type DuckDBLogicalType,
  type DuckDBType,
  INTEGER,
  LIST,
  STRUCT,
  TIMESTAMPTZ,
  VARCHAR,
} from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { type Cell, isNestedType, NESTED_TYPES } from "../../../messages/staging_columns.ts";
import type { StructList } from "../../../messages/nested_columns.ts";
import type { TableColumnType } from "../table_columns.ts";
import { fillStructList } from "./nested_vectors.ts";
import { writeStrings } from "./vector_strings.ts";
import type { ColumnView } from "../../../messages/column_view.ts";
import { fillPackedVector } from "./packed_vectors.ts";

/** One column to append: its type, name (for errors) and cells. */
export interface CellColumn {
  readonly name: string;
  readonly type: TableColumnType;
  readonly cells: readonly Cell[];
}

/** One column to append straight from packed bytes (a staging column as the enricher packed it). */
export interface PackedColumn {
  readonly name: string;
  readonly type: TableColumnType;
  readonly packed: ColumnView;
}

/** A column to append: cells, or a packed column's view. */
export type ChunkColumn = CellColumn | PackedColumn;

/** Rows per chunk: DuckDB's vector size. */
export const CHUNK_ROWS: number = duckdb.vector_size();

/** The node-api type of a list of structs. */
function structListType(list: StructList): DuckDBType {
  return LIST(STRUCT(Object.fromEntries(list.fields.map((field) => [
    field.name,
    field.type === "VARCHAR"
      ? VARCHAR
      : field.type === "BIGINT"
      ? BIGINT
      : structListType(field.type),
  ]))));
}

const DUCK_TYPES: Record<TableColumnType, DuckDBType> = {
  VARCHAR,
  BIGINT,
  INTEGER,
  DOUBLE,
  BOOLEAN,
  "VARCHAR[]": LIST(VARCHAR),
  "OPTION[]": structListType(NESTED_TYPES["OPTION[]"]),
  "CART_PRODUCT[]": structListType(NESTED_TYPES["CART_PRODUCT[]"]),
  TIMESTAMPTZ,
};

/**
 * Each column type's native logical type, made once: making one per chunk (a struct of 17
 * members for `option`) cost more than filling most columns.
 */
const LOGICAL_TYPES = Object.fromEntries(
  Object.entries(DUCK_TYPES).map(([name, type]) => [name, type.toLogicalType()]),
) as Record<TableColumnType, DuckDBLogicalType>;

const TWO_32 = 4294967296;
/** Scratch buffers sized for one vector, reused across columns (the writer is single-threaded). */
const scratch = new ArrayBuffer(CHUNK_ROWS * 16);
const scratchBytes = new Uint8Array(scratch);
const scratchWords = new Uint32Array(scratch);
const scratchDoubles = new Float64Array(scratch);
const validityWords = new Uint32Array(Math.ceil(CHUNK_ROWS / 64) * 2);

function wrongType(column: CellColumn, row: number, expected: string): TypeError {
  const value = JSON.stringify(column.cells[row]) ?? String(column.cells[row]);
  return new TypeError(
    `Cannot append column ${column.name}: row ${row} holds ${
      value.slice(0, 60)
    }, expected ${expected}`,
  );
}

/** The VARCHAR path: validity in one pass over the cells, then the strings in bulk. */
function fillStrings(vector: duckdb.Vector, column: CellColumn, start: number, count: number) {
  const { cells } = column;
  validityWords.fill(0);
  const texts = new Array<string>(count);
  for (let i = 0; i < count; i++) {
    const text = cells[start + i];
    if (text === null || text === undefined) {
      texts[i] = "";
      continue;
    }
    if (typeof text !== "string") throw wrongType(column, start + i, "a string");
    validityWords[i >>> 5]! |= 1 << (i & 31);
    texts[i] = text;
  }
  writeStrings(vector, texts);
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, validityWords.buffer, 0, validityWords.byteLength);
}

/** Fills one vector from `cells[start, start + count)`, validating each cell's type. */
function fillVector(vector: duckdb.Vector, column: ChunkColumn, start: number, count: number) {
  if ("packed" in column) return fillPackedVector(vector, column.packed, start, count);
  const { cells, type } = column;
  if (type === "VARCHAR") return fillStrings(vector, column, start, count);
  if (isNestedType(type)) {
    return fillStructList(
      vector,
      cells.slice(start, start + count),
      NESTED_TYPES[type],
      `column ${column.name} (rows from ${start})`,
    );
  }
  validityWords.fill(0);
  scratchBytes.fill(0, 0, count * 16);
  const strings: string[] = [];
  let listLength = 0;
  for (let i = 0; i < count; i++) {
    const value = cells[start + i];
    if (value === null || value === undefined) continue;
    validityWords[i >>> 5]! |= 1 << (i & 31);
    switch (type) {
      case "INTEGER":
        if (typeof value !== "number" || (value | 0) !== value) {
          throw wrongType(column, start + i, "a 32-bit integer");
        }
        scratchWords[i] = value;
        break;
      case "BIGINT":
      case "TIMESTAMPTZ": {
        if (!Number.isSafeInteger(value)) throw wrongType(column, start + i, "a safe integer");
        const n = type === "TIMESTAMPTZ" ? (value as number) * 1000 : (value as number);
        const high = Math.floor(n / TWO_32);
        scratchWords[i * 2] = n - high * TWO_32;
        scratchWords[i * 2 + 1] = high;
        break;
      }
      case "DOUBLE":
        if (typeof value !== "number") throw wrongType(column, start + i, "a number");
        scratchDoubles[i] = value;
        break;
      case "BOOLEAN":
        if (typeof value !== "boolean") throw wrongType(column, start + i, "a boolean");
        scratchBytes[i] = value ? 1 : 0;
        break;
      case "VARCHAR[]": {
        if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
          throw wrongType(column, start + i, "a list of strings");
        }
        scratchWords[i * 4] = listLength;
        scratchWords[i * 4 + 2] = value.length;
        listLength += value.length;
        for (const item of value) strings.push(item);
        break;
      }
    }
  }
  if (type === "VARCHAR[]") {
    duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * 16);
    duckdb.list_vector_reserve(vector, listLength);
    duckdb.list_vector_set_size(vector, listLength);
    writeStrings(duckdb.list_vector_get_child(vector), strings);
  } else {
    const width = type === "BOOLEAN" ? 1 : type === "INTEGER" ? 4 : 8;
    duckdb.copy_data_to_vector(vector, 0, scratch, 0, count * width);
  }
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, validityWords.buffer, 0, validityWords.byteLength);
}

/**
 * Chunks at most kept for reuse, per column layout: two staging batches' worth (one committing,
 * the next prepared). About 2 MB each.
 */
const POOLED_CHUNKS = 10;
/** Reset chunks by column layout (their types' names), and the layout of every pooled chunk. */
const pooled = new Map<string, DuckDBDataChunk[]>();
const layouts = new WeakMap<DuckDBDataChunk, string>();

/**
 * Resets chunks whose rows DuckDB has copied (appended, or not needed any more) and keeps them for
 * the next `buildChunks` of the same column layout: a chunk of the staging table's 65 columns
 * cost ~0.25 ms to create, its vectors' memory fresh (page faults) each time.
 */
export function recycleChunks(chunks: readonly DuckDBDataChunk[]): void {
  for (const chunk of chunks) {
    chunk.reset();
    const layout = layouts.get(chunk);
    if (layout === undefined) continue;
    const free = pooled.get(layout) ?? [];
    pooled.set(layout, free);
    if (free.length < POOLED_CHUNKS && !free.includes(chunk)) free.push(chunk);
  }
}

/**
 * Builds the data chunks of `rowCount` rows given as columns (in the table's column order), up to
 * `CHUNK_ROWS` rows each, in recycled chunks where there are some (`recycleChunks`). Needs no
 * connection or transaction, so a batch's chunks can be built while another batch commits.
 */
export function buildChunks(columns: readonly ChunkColumn[], rowCount: number): DuckDBDataChunk[] {
  const types = columns.map((column) => LOGICAL_TYPES[column.type].logical_type);
  const layout = columns.map((column) => column.type).join(",");
  const free = pooled.get(layout);
  const chunks: DuckDBDataChunk[] = [];
  for (let start = 0; start < rowCount; start += CHUNK_ROWS) {
    const count = Math.min(CHUNK_ROWS, rowCount - start);
    const chunk = free?.pop() ?? new DuckDBDataChunk(duckdb.create_data_chunk(types));
    layouts.set(chunk, layout);
    chunk.rowCount = count;
    for (let c = 0; c < columns.length; c++) {
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, c);
      fillVector(vector, columns[c] as ChunkColumn, start, count);
    }
    chunks.push(chunk);
  }
  return chunks;
}

/**
 * Appends built chunks through `appender`, in order. `afterChunk` runs after each chunk with the
 * rows appended so far (tests).
 */
export function appendChunks(
  appender: DuckDBAppender,
  chunks: readonly DuckDBDataChunk[],
  afterChunk?: (appendedRows: number) => void,
): void {
  let appended = 0;
  for (const chunk of chunks) {
    appender.appendDataChunk(chunk);
    appended += chunk.rowCount;
    afterChunk?.(appended);
  }
}

/** Builds the chunks of `rowCount` rows given as columns and appends them (`buildChunks`). */
export function appendColumns(
  appender: DuckDBAppender,
  columns: readonly ChunkColumn[],
  rowCount: number,
  afterChunk?: (appendedRows: number) => void,
): void {
  appendChunks(appender, buildChunks(columns, rowCount), afterChunk);
}
