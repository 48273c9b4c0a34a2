/**
 * DuckDB string_t values written in bulk: strings of up to 12 UTF-8 bytes are inlined into a
 * byte buffer copied into the vector at once; only longer ones cross the native boundary one by
 * one. Shared by the flat VARCHAR columns and the members of nested lists.
 */

import duckdb from "@duckdb/node-bindings";

const encoder = new TextEncoder();

/**
 * Writes `text` as UTF-8 into the 12 inline bytes at `at`; returns its byte length, or -1 (bytes
 * left zero) when it does not fit. ASCII is copied by hand: a subarray per string costs more.
 */
export function inlineString(text: string, bytes: Uint8Array, at: number): number {
  let ascii = true;
  for (let k = 0; k < text.length; k++) {
    const code = text.charCodeAt(k);
    if (code >= 0x80) {
      ascii = false;
      break;
    }
    bytes[at + k] = code;
  }
  if (ascii) return text.length;
  const { read, written } = encoder.encodeInto(text, bytes.subarray(at, at + 12));
  if (read === text.length) return written;
  bytes.fill(0, at, at + 12);
  return -1;
}

/**
 * Writes string_t values for `values` into `vector` from row `at`: strings of up to 12 UTF-8
 * bytes are inlined in one bulk copy, longer ones are assigned natively (list children).
 */
export function writeStrings(vector: duckdb.Vector, at: number, values: readonly string[]): void {
  const count = values.length;
  const bytes = new Uint8Array(count * 16);
  const words = new Uint32Array(bytes.buffer);
  bytes.fill(0, 0, count * 16);
  const longRows: number[] = [];
  for (let i = 0; i < count; i++) {
    const text = values[i] as string;
    if (text.length <= 12) {
      const written = inlineString(text, bytes, i * 16 + 4);
      if (written >= 0) {
        words[i * 4] = written;
        continue;
      }
    }
    longRows.push(i);
  }
  duckdb.copy_data_to_vector(vector, at * 16, bytes.buffer, 0, count * 16);
  for (const i of longRows) {
    const text = values[i] as string;
    if (text.includes("\0")) {
      duckdb.vector_assign_string_element_len(vector, at + i, encoder.encode(text));
    } else duckdb.vector_assign_string_element(vector, at + i, text);
  }
}

/** Scratch string_t slots, grown as needed (the writer is single-threaded). */
let slots = new Uint8Array(0);
let slotWords = new Uint32Array(0);

/**
 * Writes string_t values for texts `from`, `from + stride`, ... (`count` of them) of UTF-8
 * `bytes` (text i lies from `starts[i]` to `starts[i + 1]`) into rows 0.. of `vector`, without
 * making JavaScript strings: texts of up to 12 bytes are copied into inline slots and the slots
 * into the vector at once, longer ones are assigned natively from a subarray.
 */
export function writeStringBytes(
  vector: duckdb.Vector,
  bytes: Uint8Array,
  starts: Uint32Array,
  from: number,
  count: number,
  stride = 1,
): void {
  if (count === 0) return;
  if (slots.byteLength < count * 16) {
    slots = new Uint8Array(count * 16);
    slotWords = new Uint32Array(slots.buffer);
  } else slots.fill(0, 0, count * 16);
  const longRows: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = starts[from + i * stride] ?? 0;
    const length = (starts[from + i * stride + 1] ?? start) - start;
    if (length > 12) {
      longRows.push(i);
      continue;
    }
    slotWords[i * 4] = length;
    const at = i * 16 + 4;
    for (let k = 0; k < length; k++) slots[at + k] = bytes[start + k] ?? 0;
  }
  duckdb.copy_data_to_vector(vector, 0, slots.buffer, 0, count * 16);
  for (const i of longRows) {
    const start = starts[from + i * stride] ?? 0;
    duckdb.vector_assign_string_element_len(
      vector,
      i,
      bytes.subarray(start, starts[from + i * stride + 1] ?? start),
    );
  }
}
