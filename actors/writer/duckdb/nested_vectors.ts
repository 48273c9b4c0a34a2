/**
 * Fills a DuckDB `STRUCT(...)[]` vector from nested cells (lists of plain objects holding their
 * present members, `messages/nested_columns.ts`) through the C API: list entries and validity in
 * bulk, then each struct member as one child vector over all elements of the chunk, text members
 * through the bulk string path, integers as one buffer copy, nested lists recursively. The
 * values arrive as real LIST/STRUCT data, never as JSON text parsed in SQL. A cell of the wrong
 * shape throws a `TypeError` naming the column, row and member.
 */

import duckdb from "@duckdb/node-bindings";
import type { StructList } from "../../../messages/nested_columns.ts";
import { isRecord } from "../../runtime/guards.ts";
import { writeStrings } from "./vector_strings.ts";

const TWO_32 = 4294967296;

function wrongShape(where: string, value: unknown, expected: string): TypeError {
  const text = JSON.stringify(value) ?? String(value);
  return new TypeError(`Cannot append ${where}: holds ${text.slice(0, 60)}, expected ${expected}`);
}

/** Copies a validity mask (bit i of word i/32 set: row i valid) into `vector`. */
function setValidity(vector: duckdb.Vector, valid: Uint32Array<ArrayBuffer>): void {
  duckdb.vector_ensure_validity_writable(vector);
  duckdb.copy_data_to_vector_validity(vector, 0, valid.buffer, 0, valid.byteLength);
}

/** A validity mask for `count` rows, all invalid; its length is whole 64-bit words. */
function maskFor(count: number): Uint32Array<ArrayBuffer> {
  return new Uint32Array(Math.max(1, Math.ceil(count / 64)) * 2);
}

function fillText(vector: duckdb.Vector, values: readonly unknown[], where: string): void {
  const valid = maskFor(values.length);
  const texts = new Array<string>(values.length);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined || value === null) {
      texts[i] = "";
      continue;
    }
    if (typeof value !== "string") throw wrongShape(`${where}[${i}]`, value, "text");
    texts[i] = value;
    valid[i >>> 5]! |= 1 << (i & 31);
  }
  if (values.length > 0) writeStrings(vector, texts);
  setValidity(vector, valid);
}

function fillBigint(vector: duckdb.Vector, values: readonly unknown[], where: string): void {
  const valid = maskFor(values.length);
  const words = new Uint32Array(values.length * 2);
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (value === undefined || value === null) continue;
    if (typeof value !== "number" || !Number.isSafeInteger(value)) {
      throw wrongShape(`${where}[${i}]`, value, "a safe integer");
    }
    const high = Math.floor(value / TWO_32);
    words[i * 2] = value - high * TWO_32;
    words[i * 2 + 1] = high;
    valid[i >>> 5]! |= 1 << (i & 31);
  }
  if (values.length > 0) duckdb.copy_data_to_vector(vector, 0, words.buffer, 0, words.byteLength);
  setValidity(vector, valid);
}

/**
 * Fills the list vector `vector` with `values[i]` at row i (null or a list of `list`'s
 * elements). `where` names the column for errors.
 */
export function fillStructList(
  vector: duckdb.Vector,
  values: readonly unknown[],
  list: StructList,
  where: string,
): void {
  const rows = values.length;
  const valid = maskFor(rows);
  // list_entry_t {uint64 offset; uint64 length}: offsets stay below 2^32 within one chunk.
  const entries = new Uint32Array(rows * 4);
  const elements: Record<string, unknown>[] = [];
  for (let i = 0; i < rows; i++) {
    const value = values[i];
    if (value === undefined || value === null) continue;
    if (!Array.isArray(value)) throw wrongShape(`${where} row ${i}`, value, "a list");
    entries[i * 4] = elements.length;
    entries[i * 4 + 2] = value.length;
    for (const element of value) {
      if (!isRecord(element)) throw wrongShape(`${where} row ${i}`, element, "an object");
      elements.push(element);
    }
    valid[i >>> 5]! |= 1 << (i & 31);
  }
  if (rows > 0) duckdb.copy_data_to_vector(vector, 0, entries.buffer, 0, entries.byteLength);
  setValidity(vector, valid);
  duckdb.list_vector_reserve(vector, elements.length);
  duckdb.list_vector_set_size(vector, elements.length);
  const structs = duckdb.list_vector_get_child(vector);
  setValidity(structs, maskFor(elements.length).fill(0xffffffff));
  list.fields.forEach((field, f) => {
    const member = duckdb.struct_vector_get_child(structs, f);
    const memberValues = elements.map((element) => element[field.name]);
    const at = `${where}.${field.name}`;
    if (field.type === "VARCHAR") fillText(member, memberValues, at);
    else if (field.type === "BIGINT") fillBigint(member, memberValues, at);
    else fillStructList(member, memberValues, field.type, at);
  });
}
