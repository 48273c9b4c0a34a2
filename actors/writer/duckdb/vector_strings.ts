/**
 * DuckDB string_t values written in bulk: strings of up to 12 UTF-8 bytes are inlined into a
 * byte buffer copied into the vector at once; the bytes of longer ones are copied into the
 * vector's own string heap in one native call and their string_t values point into it (the C
 * API's `duckdb_string_t` pointer form), so no string crosses the native boundary on its own.
 * Shared by the flat VARCHAR columns and the members of nested lists.
 */

import duckdb from "@duckdb/node-bindings";

const encoder = new TextEncoder();
const TWO_32 = 4294967296;

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

/** Scratch UTF-8 of the long strings `writeStrings` writes, grown as needed. */
let longBytes = new Uint8Array(0);

/**
 * Writes string_t values for `values` into rows 0.. of `vector`: strings of up to 12 UTF-8 bytes
 * are inlined; longer ones are encoded one after another and copied into the vector's string heap
 * in one native call (`heapCopy`), their slots pointing into it; then all slots are copied at once.
 */
export function writeStrings(vector: duckdb.Vector, values: readonly string[]): void {
  const count = values.length;
  if (count === 0) return;
  const bytes = new Uint8Array(count * 16);
  const words = new Uint32Array(bytes.buffer);
  const longRows: number[] = [];
  const longStarts: number[] = [];
  let used = 0;
  for (let i = 0; i < count; i++) {
    const text = values[i] as string;
    if (text.length <= 12) {
      const written = inlineString(text, bytes, i * 16 + 4);
      if (written >= 0) {
        words[i * 4] = written;
        continue;
      }
    }
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    if (longBytes.byteLength < used + text.length * 3) {
      const grown = new Uint8Array(Math.max(longBytes.byteLength * 2, used + text.length * 3));
      grown.set(longBytes.subarray(0, used));
      longBytes = grown;
    }
    const { written } = encoder.encodeInto(text, longBytes.subarray(used));
    words[i * 4] = written;
    bytes.set(longBytes.subarray(used, used + Math.min(4, written)), i * 16 + 4);
    longRows.push(i);
    longStarts.push(used);
    used += written;
  }
  if (longRows.length > 0) {
    const [low, high] = heapCopy(vector, longBytes.subarray(0, used));
    for (let k = 0; k < longRows.length; k++) {
      const i = longRows[k] ?? 0;
      const at = low + (longStarts[k] ?? 0);
      words[i * 4 + 2] = at >>> 0;
      words[i * 4 + 3] = high + Math.floor(at / TWO_32);
    }
  }
  duckdb.copy_data_to_vector(vector, 0, bytes.buffer, 0, count * 16);
}

/** Scratch string_t slots, grown as needed (the writer is single-threaded). */
let slots = new Uint8Array(0);
let slotWords = new Uint32Array(0);

/**
 * Copies `text` into `vector`'s own string heap in one native call (as row 0's value, which the
 * caller overwrites) and returns the heap address of its first byte as [low, high] 32-bit words.
 * The heap lives as long as the vector's data, so string_t values of the vector may point into it
 * (`duckdb_string_t.pointer` of the C API) instead of each being assigned natively.
 */
function heapCopy(vector: duckdb.Vector, text: Uint8Array): [number, number] {
  duckdb.vector_assign_string_element_len(vector, 0, text);
  const slot = duckdb.vector_get_data(vector, 16);
  const words = new DataView(slot.buffer, slot.byteOffset, 16);
  if (words.getUint32(0, true) !== text.byteLength) {
    throw new RangeError(
      `DuckDB stored ${words.getUint32(0, true)} of ${text.byteLength} string bytes in a vector`,
    );
  }
  return [words.getUint32(8, true), words.getUint32(12, true)];
}

/** The low `n` bytes (0..4) of a 32-bit word kept, the rest zero. */
const KEEP = [0, 0xff, 0xffff, 0xffffff, 0xffffffff];

/**
 * Writes string_t values for texts `from`, `from + stride`, ... (`count` of them) of UTF-8
 * `bytes` (text i lies from `starts[i]` to `starts[i + 1]`) into rows 0.. of `vector`, without
 * making JavaScript strings: texts of up to 12 bytes are copied into inline slots; when some are
 * longer, the bytes of all `count` texts are copied into the vector's string heap in one native
 * call and the long slots point into it; then the slots are copied into the vector at once.
 * Inline bytes are read and written a 32-bit word at a time, the bytes past a text's end zeroed
 * (DuckDB compares inline strings by their whole 16 bytes); byte by byte only where a word would
 * read past the end of `bytes`.
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
  }
  const words = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const wordEnd = bytes.byteLength - 12;
  let longs = 0;
  for (let i = 0; i < count; i++) {
    const start = starts[from + i * stride] ?? 0;
    const length = (starts[from + i * stride + 1] ?? start) - start;
    const slot = i * 4;
    slotWords[slot] = length;
    if (start <= wordEnd) {
      if (length > 12) {
        // The 4-byte prefix; the pointer is written below.
        slotWords[slot + 1] = words.getUint32(start, true);
        longs++;
        continue;
      }
      slotWords[slot + 1] = words.getUint32(start, true) & KEEP[Math.min(length, 4)]!;
      slotWords[slot + 2] = length > 4
        ? words.getUint32(start + 4, true) & KEEP[Math.min(length - 4, 4)]!
        : 0;
      slotWords[slot + 3] = length > 8 ? words.getUint32(start + 8, true) & KEEP[length - 8]! : 0;
      continue;
    }
    // Near the end of `bytes`: byte by byte.
    slotWords[slot + 1] = slotWords[slot + 2] = slotWords[slot + 3] = 0;
    const at = i * 16 + 4;
    for (let k = 0; k < Math.min(length, length > 12 ? 4 : 12); k++) {
      slots[at + k] = bytes[start + k] ?? 0;
    }
    if (length > 12) longs++;
  }
  if (longs > 0) {
    const first = starts[from] ?? 0;
    const end = starts[from + (count - 1) * stride + 1] ?? first;
    const [low, high] = heapCopy(vector, bytes.subarray(first, end));
    for (let i = 0; i < count; i++) {
      if ((slotWords[i * 4] ?? 0) <= 12) continue;
      const at = low + ((starts[from + i * stride] ?? 0) - first);
      slotWords[i * 4 + 2] = at >>> 0;
      slotWords[i * 4 + 3] = high + Math.floor(at / TWO_32);
    }
  }
  duckdb.copy_data_to_vector(vector, 0, slots.buffer, 0, count * 16);
}
