/**
 * Fills DuckDB vectors straight from packed column bytes (`messages/column_view.ts`), without
 * making JavaScript values: validity and fixed-width numbers are one copy each from the packed
 * buffer, text of up to 12 bytes is copied into inline string_t slots, longer text into the
 * vector's string heap in one copy per vector (`vector_strings.ts`). Only the nested struct lists
 * (one JSON text per cell) are parsed, a chunk's valid cells in one `JSON.parse`, and filled as
 * `nested_vectors.ts` does. A cell that does not
 * fit throws a `TypeError` naming the column.
 */

import duckdb from "@duckdb/node-bindings";
import { type ColumnView, isValid } from "../../../messages/column_view.ts";
import { ABSENT } from "../../../messages/column_codec.ts";
import { isNestedType, NESTED_TYPES } from "../../../messages/staging_columns.ts";
import { fillStructList } from "./nested_vectors.ts";
import { writeStringBytes } from "./vector_strings.ts";

const decoder = new TextDecoder();
/** Zero bytes for empty string_t slots, grown as needed (never written). */
let zeros = new ArrayBuffer(0);
/** Scratch for list entries of one chunk (the writer is single-threaded). */
let entries = new Uint32Array(0);

/** Copies rows `[start, start + count)` of the view's validity into `vector`. */
function copyValidity(vector: duckdb.Vector, view: ColumnView, start: number, count: number) {
  duckdb.vector_ensure_validity_writable(vector);
  // Chunks start at multiples of 2048 rows, so the bits of `start` begin a byte.
  duckdb.copy_data_to_vector_validity(
    vector,
    0,
    view.buffer,
    view.validityAt + start / 8,
    Math.ceil(count / 8),
  );
}

/**
 * The chunk's JSON cells (null where a row holds none): the texts of its valid rows joined into
 * one JSON array text, parsed in one call, and spread back to their rows.
 */
function parseCells(view: ColumnView, start: number, count: number): unknown[] {
  const { starts, bytes } = view;
  const cells = new Array<unknown>(count).fill(null);
  const valid: number[] = [];
  let length = 2;
  for (let i = 0; i < count; i++) {
    const row = start + i;
    if (!isValid(view, row)) continue;
    valid.push(i);
    length += (starts[row + 1] ?? 0) - (starts[row] ?? 0) + 1;
  }
  if (valid.length === 0) return cells;
  const text = new Uint8Array(length);
  let at = 0;
  text[at++] = 0x5b; // [
  for (let k = 0; k < valid.length; k++) {
    if (k > 0) text[at++] = 0x2c; // ,
    const row = start + (valid[k] ?? 0);
    const cell = bytes.subarray(starts[row] ?? 0, starts[row + 1] ?? 0);
    text.set(cell, at);
    at += cell.byteLength;
  }
  text[at++] = 0x5d; // ]
  let parsed: unknown;
  try {
    parsed = JSON.parse(decoder.decode(text.subarray(0, at)));
  } catch (error: unknown) {
    throw new TypeError(
      `Cannot append column ${view.name}: rows ${start}..${start + count - 1} are not JSON text`,
      { cause: error },
    );
  }
  if (!Array.isArray(parsed) || parsed.length !== valid.length) {
    throw new TypeError(`Cannot append column ${view.name}: a cell holds more than one value`);
  }
  valid.forEach((i, k) => cells[i] = parsed[k]);
  return cells;
}

/** Writes list entries for rows `[start, start + count)`; returns the first element and count. */
function writeEntries(vector: duckdb.Vector, view: ColumnView, start: number, count: number) {
  const { firsts } = view;
  const first = firsts[start] ?? 0;
  if (entries.length < count * 4) entries = new Uint32Array(count * 4);
  // list_entry_t {uint64 offset; uint64 length}: offsets stay below 2^32 within one chunk.
  for (let i = 0; i < count; i++) {
    const begin = firsts[start + i] ?? 0;
    entries[i * 4] = begin - first;
    entries[i * 4 + 1] = 0;
    entries[i * 4 + 2] = (firsts[start + i + 1] ?? begin) - begin;
    entries[i * 4 + 3] = 0;
  }
  duckdb.copy_data_to_vector(vector, 0, entries.buffer, 0, count * 16);
  const items = (firsts[start + count] ?? first) - first;
  duckdb.list_vector_reserve(vector, items);
  duckdb.list_vector_set_size(vector, items);
  return { first, items };
}

/** Copies a validity mask (bit i of word i/32 set: row i valid) into `vector`. */
function setValidity(vector: duckdb.Vector, valid: Uint32Array<ArrayBuffer>, rows: number) {
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, valid.buffer, 0, Math.ceil(rows / 64) * 8);
}

/** A list of all-text structs: each member is one text vector over the chunk's elements. */
function fillRecords(vector: duckdb.Vector, view: ColumnView, start: number, count: number) {
  const { first, items } = writeEntries(vector, view, start, count);
  const structs = duckdb.list_vector_get_child(vector);
  const valid = new Uint32Array(Math.max(1, Math.ceil(items / 64)) * 2);
  setValidity(structs, valid.fill(0xffffffff), items);
  const { members, children } = view;
  for (let f = 0; f < members.length; f++) {
    const member = duckdb.struct_vector_get_child(structs, f);
    valid.fill(0);
    let present = 0;
    for (let e = 0; e < items; e++) {
      if (children[(first + e) * members.length + f] !== ABSENT) {
        valid[e >>> 5]! |= 1 << (e & 31);
        present++;
      }
    }
    if (present > 0) {
      writeStringBytes(
        member,
        view.bytes,
        view.starts,
        first * members.length + f,
        items,
        members.length,
      );
    } else if (items > 0) {
      // A member no element of the chunk holds (most of the 17 option members): empty slots.
      if (zeros.byteLength < items * 16) zeros = new ArrayBuffer(items * 16);
      duckdb.copy_data_to_vector(member, 0, zeros, 0, items * 16);
    }
    setValidity(member, valid, items);
  }
}

/** Fills `vector` with rows `[start, start + count)` of a packed column. */
export function fillPackedVector(
  vector: duckdb.Vector,
  view: ColumnView,
  start: number,
  count: number,
): void {
  switch (view.kind) {
    case "int64":
    case "float64":
    case "int32":
    case "bool": {
      const width = view.kind === "bool" ? 1 : view.kind === "int32" ? 4 : 8;
      duckdb.copy_data_to_vector(
        vector,
        0,
        view.buffer,
        view.valuesAt + start * width,
        count * width,
      );
      break;
    }
    case "text":
      writeStringBytes(vector, view.bytes, view.starts, start, count);
      break;
    case "list": {
      const { first, items } = writeEntries(vector, view, start, count);
      writeStringBytes(duckdb.list_vector_get_child(vector), view.bytes, view.starts, first, items);
      break;
    }
    case "records":
      fillRecords(vector, view, start, count);
      break;
    case "json":
      if (!isNestedType(view.type)) {
        throw new TypeError(`Cannot append column ${view.name}: ${view.type} is not nested`);
      }
      fillStructList(
        vector,
        parseCells(view, start, count),
        NESTED_TYPES[view.type],
        `column ${view.name} (rows from ${start})`,
      );
      break;
  }
  copyValidity(vector, view, start, count);
}
