/**
 * Reading one column of packed rows (`column_codec.ts`): a view over its sections, checked once
 * when made (sizes, text lengths against the bytes, UTF-8, booleans), for the writer to copy into
 * DuckDB vectors, and a decoder to cells for readers that need JavaScript values. A column that
 * does not fit is a `TypeError` naming it.
 */
import {
  ABSENT,
  BYTES,
  CHILDREN,
  type ColumnKind,
  KIND_OF,
  sectionOf,
  utf8Problem,
  VALIDITY,
  VALUE_WIDTH,
  VALUES,
} from "./column_codec.ts";
import { type NestedElement, nestedListProblem } from "./nested_columns.ts";
import {
  type Cell,
  type ColumnType,
  isNestedType,
  NESTED_TYPES,
  STAGING_COLUMNS,
} from "./staging_columns.ts";

/** Packed rows as the view reads them: the buffer and its row count. */
export interface PackedBytes {
  readonly rowCount: number;
  readonly bytes: Uint8Array;
}

/** One column of packed rows, checked. */
export interface ColumnView {
  readonly name: string;
  readonly type: ColumnType;
  readonly kind: ColumnKind;
  readonly rowCount: number;
  /** The buffer the sections lie in, and where validity and values start in it (bytes). */
  readonly buffer: ArrayBuffer;
  readonly validityAt: number;
  readonly valuesAt: number;
  readonly validity: Uint8Array;
  readonly values: Uint8Array;
  /** text/json: where row i's text starts in `bytes`; list: where element i's does (one more). */
  readonly starts: Uint32Array;
  /** list, records: index of row i's first element (rowCount + 1 entries); empty otherwise. */
  readonly firsts: Uint32Array;
  /** records: member names, in slot order; each element holds one slot per member. */
  readonly members: readonly string[];
  /** list: each element's byte length; records: each slot's (`ABSENT`: no such member). */
  readonly children: Uint32Array;
  /** The column's UTF-8 text. */
  readonly bytes: Uint8Array;
}

const decoder = new TextDecoder();
const NONE: Uint32Array = new Uint32Array(0);

/** Prefix sums of `lengths` (`ABSENT` counted as 0 where `absent` allows it): n + 1 starts. */
function startsOf(lengths: Uint32Array, absent = false): Uint32Array {
  const starts = new Uint32Array(lengths.length + 1);
  let at = 0;
  for (let i = 0; i < lengths.length; i++) {
    const length = lengths[i] ?? 0;
    starts[i + 1] = at += absent && length === ABSENT ? 0 : length;
  }
  return starts;
}

/** Whether every byte is 0 or 1 (a loop: `some` with a callback cost ~10 ns per byte). */
function isBits(values: Uint8Array): boolean {
  let high = 0;
  for (let i = 0; i < values.length; i++) high |= values[i]!;
  return (high & 0xfe) === 0;
}

/** The view of column `c`; `TypeError` naming the column when its bytes do not fit. */
export function columnView(packed: PackedBytes, c: number): ColumnView {
  const spec = STAGING_COLUMNS[c];
  if (spec === undefined) throw new RangeError(`Packed rows have no column ${c}`);
  const fail = (why: string) => new TypeError(`Packed column ${spec.name} is malformed: ${why}`);
  const { bytes, rowCount } = packed;
  const kind = KIND_OF[spec.type];
  const section = (k: number) => {
    const [at, length] = sectionOf(bytes, c, k);
    if (at % 8 !== 0 || at + length > bytes.byteLength) {
      throw fail(`section ${k} (${at}+${length}) lies outside the ${bytes.byteLength}-byte buffer`);
    }
    return bytes.subarray(at, at + length);
  };
  const validity = section(VALIDITY);
  const values = section(VALUES);
  if (validity.byteLength !== Math.ceil(rowCount / 8)) {
    throw fail(`${validity.byteLength} validity bytes for ${rowCount} rows`);
  }
  if (values.byteLength !== rowCount * VALUE_WIDTH[kind]) {
    throw fail(`${values.byteLength} value bytes for ${rowCount} rows of ${spec.type}`);
  }
  const text = section(BYTES);
  const words = (b: Uint8Array) => new Uint32Array(b.buffer, b.byteOffset, b.byteLength >>> 2);
  let starts = NONE;
  let firsts = NONE;
  let children = NONE;
  const members = kind === "records" && isNestedType(spec.type)
    ? NESTED_TYPES[spec.type].fields.map((f) => f.name)
    : [];
  if (kind === "text" || kind === "json") starts = startsOf(words(values));
  if (kind === "list" || kind === "records") {
    firsts = startsOf(words(values));
    children = words(section(CHILDREN));
    const slots = (firsts[rowCount] ?? 0) * (kind === "records" ? members.length : 1);
    if (children.length !== slots) throw fail(`${children.length} lengths for ${slots} values`);
    starts = startsOf(children, kind === "records");
  }
  if (starts.length > 0) {
    const end = starts[starts.length - 1];
    if (end !== text.byteLength) {
      throw fail(`lengths add up to ${end}, text holds ${text.byteLength}`);
    }
    const why = utf8Problem(text, starts);
    if (why !== null) throw fail(why);
  } else if (text.byteLength !== 0) throw fail(`a ${spec.type} column holds text`);
  if (kind === "bool" && !isBits(values)) throw fail("a boolean byte is not 0 or 1");
  const buffer = bytes.buffer;
  if (!(buffer instanceof ArrayBuffer)) throw fail("its buffer is shared memory");
  return {
    name: spec.name,
    type: spec.type,
    kind,
    rowCount,
    buffer,
    validityAt: validity.byteOffset,
    valuesAt: values.byteOffset,
    validity,
    values,
    starts,
    firsts,
    members,
    children,
    bytes: text,
  };
}

/** Whether row `i` of the view holds a value. */
export const isValid = (view: ColumnView, i: number): boolean =>
  ((view.validity[i >>> 3] ?? 0) & (1 << (i & 7))) !== 0;

/** The texts from `starts[from]` to `starts[to]`, decoded in one call when ASCII. */
/** An int64 column's values as little-endian 32-bit words, read with `int64At`. */
export interface Int64Words {
  readonly low: Uint32Array;
  readonly high: Int32Array;
}

/** The words of int64 column `view` (no copy). */
export function int64Words(view: ColumnView): Int64Words {
  const { values, rowCount } = view;
  return {
    low: new Uint32Array(values.buffer, values.byteOffset, rowCount * 2),
    high: new Int32Array(values.buffer, values.byteOffset, rowCount * 2),
  };
}

/** Row `i`'s value of an int64 column, as a number (exact within ±2^53). */
export const int64At = (words: Int64Words, i: number): number =>
  (words.high[i * 2 + 1] ?? 0) * 4294967296 + (words.low[i * 2] ?? 0);

function textsOf(view: ColumnView, from: number, to: number): string[] {
  const { starts, bytes } = view;
  const begin = starts[from] ?? 0;
  const all = decoder.decode(bytes.subarray(begin, starts[to] ?? begin));
  const ascii = all.length === (starts[to] ?? 0) - begin;
  const out = new Array<string>(to - from);
  for (let i = from; i < to; i++) {
    const s = starts[i] ?? 0;
    const e = starts[i + 1] ?? s;
    out[i - from] = ascii ? all.slice(s - begin, e - begin) : decoder.decode(bytes.subarray(s, e));
  }
  return out;
}

/** A JSON cell of the view, parsed and checked against its nested type. */
function nestedAt(view: ColumnView, text: string, row: number): Cell {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error: unknown) {
    throw new TypeError(`Packed column ${view.name} row ${row} is not JSON text`, { cause: error });
  }
  if (!isNestedType(view.type)) return null;
  const why = nestedListProblem(value, NESTED_TYPES[view.type], "");
  if (why !== null || !Array.isArray(value)) {
    throw new TypeError(`Packed column ${view.name} row ${row}: ${why ?? "not a list"}`);
  }
  return value;
}

/** Row `row` of a `records` column: its elements, each with the members it holds. */
function recordsAt(view: ColumnView, row: number): NestedElement[] {
  const { members, children } = view;
  const first = (view.firsts[row] ?? 0) * members.length;
  const end = (view.firsts[row + 1] ?? 0) * members.length;
  const texts = textsOf(view, first, end);
  const elements: NestedElement[] = [];
  for (let slot = first; slot < end; slot += members.length) {
    const element: Record<string, string> = {};
    members.forEach((name, f) => {
      if (children[slot + f] !== ABSENT) element[name] = texts[slot + f - first] ?? "";
    });
    elements.push(element);
  }
  return elements;
}

/** The column as cells (null where a row holds no value). */
export function decodeColumn(view: ColumnView): Cell[] {
  const rows = view.rowCount;
  const out = new Array<Cell>(rows).fill(null);
  const { values } = view;
  switch (view.kind) {
    case "text":
    case "json": {
      const texts = textsOf(view, 0, rows);
      for (let i = 0; i < rows; i++) {
        if (!isValid(view, i)) continue;
        out[i] = view.kind === "text" ? texts[i] ?? "" : nestedAt(view, texts[i] ?? "", i);
      }
      return out;
    }
    case "list": {
      const items = textsOf(view, 0, view.starts.length - 1);
      for (let i = 0; i < rows; i++) {
        if (isValid(view, i)) out[i] = items.slice(view.firsts[i], view.firsts[i + 1]);
      }
      return out;
    }
    case "records":
      for (let i = 0; i < rows; i++) if (isValid(view, i)) out[i] = recordsAt(view, i);
      return out;
    case "int64": {
      const words = int64Words(view);
      for (let i = 0; i < rows; i++) if (isValid(view, i)) out[i] = int64At(words, i);
      return out;
    }
    case "int32": {
      const ints = new Int32Array(values.buffer, values.byteOffset, rows);
      for (let i = 0; i < rows; i++) if (isValid(view, i)) out[i] = ints[i] ?? 0;
      return out;
    }
    case "float64": {
      const doubles = new Float64Array(values.buffer, values.byteOffset, rows);
      for (let i = 0; i < rows; i++) if (isValid(view, i)) out[i] = doubles[i] ?? 0;
      return out;
    }
    case "bool":
      for (let i = 0; i < rows; i++) if (isValid(view, i)) out[i] = values[i] === 1;
      return out;
  }
}

/** The cell at `row` alone (for readers that need a few rows of a column). */
export function cellAt(view: ColumnView, row: number): Cell {
  if (row < 0 || row >= view.rowCount || !isValid(view, row)) return null;
  const { starts, values } = view;
  switch (view.kind) {
    case "text":
    case "json": {
      const text = decoder.decode(view.bytes.subarray(starts[row] ?? 0, starts[row + 1] ?? 0));
      return view.kind === "text" ? text : nestedAt(view, text, row);
    }
    case "list":
      return textsOf(view, view.firsts[row] ?? 0, view.firsts[row + 1] ?? 0);
    case "records":
      return recordsAt(view, row);
    case "int64": {
      const words = new DataView(values.buffer, values.byteOffset + row * 8, 8);
      return words.getInt32(4, true) * 4294967296 + words.getUint32(0, true);
    }
    case "int32":
      return new DataView(values.buffer, values.byteOffset + row * 4, 4).getInt32(0, true);
    case "float64":
      return new DataView(values.buffer, values.byteOffset + row * 8, 8).getFloat64(0, true);
    case "bool":
      return values[row] === 1;
  }
}
