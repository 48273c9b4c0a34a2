/**
 * Cells to the packed-rows format (`column_codec.ts`), once, where rows are made. A column's
 * text is joined and encoded in one call when it is all ASCII (byte lengths are then the string
 * lengths); otherwise each string is encoded on its own, so a lone surrogate at the end of one
 * value cannot pair with the start of the next. A cell that does not fit its column's type is
 * stored null with a field problem on its row, as the writer would have: one bad value never
 * costs its event or the chunk.
 */
import { isRecord } from "../actors/runtime/guards.ts";
import {
  ABSENT,
  align8,
  cellProblem,
  type ColumnSections,
  KIND_OF,
  VALUE_WIDTH,
} from "./column_codec.ts";
import {
  type Cell,
  isNestedType,
  NESTED_TYPES,
  type RowBatch,
  STAGING_COLUMNS,
} from "./staging_columns.ts";

const encoder = new TextEncoder();
const EMPTY = new Uint8Array(0);
const TWO_32 = 4294967296;
const PROBLEMS = STAGING_COLUMNS.findIndex((c) => c.name === "field_problems");

/** A cell shown in a problem: JSON, cut to 40 characters. */
export function shownCell(cell: unknown): string {
  const text = JSON.stringify(cell) ?? String(cell);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** UTF-8 of `texts` one after another; `lengths[i]` gets text i's byte length. */
function encodeTexts(texts: readonly (string | null)[], lengths: Uint32Array): Uint8Array {
  const joined = texts.join(""); // null joins as ""
  const bytes = encoder.encode(joined);
  if (bytes.byteLength === joined.length) {
    for (let i = 0; i < texts.length; i++) lengths[i] = texts[i]?.length ?? 0;
    return bytes;
  }
  const out = new Uint8Array(joined.length * 3);
  let at = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) continue;
    const { written } = encoder.encodeInto(text, out.subarray(at));
    lengths[i] = written;
    at += written;
  }
  return out.subarray(0, at);
}

/**
 * Children and bytes of a list of structs whose members are all text: per element, each
 * member's byte length in declared order (`ABSENT` when the element lacks it); `counts[i]` gets
 * row i's element count.
 */
function encodeRecords(
  type: keyof typeof KIND_OF,
  cells: readonly Cell[],
  counts: Uint32Array,
): [Uint8Array, Uint8Array] {
  const names = isNestedType(type) ? NESTED_TYPES[type].fields.map((f) => f.name) : [];
  const index = new Map(names.map((name, f) => [name, f]));
  const slots: (string | null)[] = [];
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (!Array.isArray(cell)) continue;
    counts[i] = cell.length;
    for (const element of cell) {
      // Elements were checked against the type (cellProblem): members are text or absent.
      const base = slots.length;
      for (let f = 0; f < names.length; f++) slots.push(null);
      if (!isRecord(element)) continue;
      for (const key in element) {
        const f = index.get(key);
        const member = element[key];
        if (f !== undefined && typeof member === "string") slots[base + f] = member;
      }
    }
  }
  const lengths = new Uint32Array(slots.length);
  const bytes = encodeTexts(slots, lengths);
  for (let k = 0; k < slots.length; k++) if (slots[k] === null) lengths[k] = ABSENT;
  return [new Uint8Array(lengths.buffer), bytes];
}

/** Marks row i valid in a validity bitmap. */
const setValid = (validity: Uint8Array, i: number) => validity[i >>> 3]! |= 1 << (i & 7);

/** One column's sections from cells already checked to fit (misfits replaced by null). */
function encodeColumn(type: keyof typeof KIND_OF, cells: readonly Cell[]): ColumnSections {
  const rows = cells.length;
  const kind = KIND_OF[type];
  const validity = new Uint8Array(Math.ceil(rows / 8));
  const values = new Uint8Array(align8(rows * VALUE_WIDTH[kind]));
  for (let i = 0; i < rows; i++) {
    if (cells[i] !== null && cells[i] !== undefined) setValid(validity, i);
  }
  const sized = values.subarray(0, rows * VALUE_WIDTH[kind]);
  switch (kind) {
    case "text":
      return [
        validity,
        sized,
        EMPTY,
        encodeTexts(cells as readonly (string | null)[], u32(values)),
      ];
    case "json": {
      const texts = cells.map((c) => c === null ? null : JSON.stringify(c));
      return [validity, sized, EMPTY, encodeTexts(texts, u32(values))];
    }
    case "list": {
      const counts = u32(values);
      const items: string[] = [];
      for (let i = 0; i < rows; i++) {
        const cell = cells[i];
        if (!Array.isArray(cell)) continue;
        counts[i] = cell.length;
        for (const item of cell) items.push(item as string);
      }
      const lengths = new Uint32Array(items.length);
      const bytes = encodeTexts(items, lengths);
      return [validity, sized, new Uint8Array(lengths.buffer), bytes];
    }
    case "records":
      return [validity, sized, ...encodeRecords(type, cells, u32(values))];
    case "int64": {
      const words = u32(values);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n !== "number") continue;
        const high = Math.floor(n / TWO_32);
        words[i * 2] = n - high * TWO_32;
        words[i * 2 + 1] = high;
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "int32": {
      const ints = new Int32Array(values.buffer);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number") ints[i] = n;
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "float64": {
      const doubles = new Float64Array(values.buffer);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number") doubles[i] = n;
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "bool":
      for (let i = 0; i < rows; i++) values[i] = cells[i] === true ? 1 : 0;
      return [validity, sized, EMPTY, EMPTY];
  }
}

const u32 = (bytes: Uint8Array) => new Uint32Array(bytes.buffer, 0, bytes.byteLength >>> 2);

/** Fast yes-answers for the flat types; a no (and the nested types) asks `cellProblem`. */
const QUICK_FIT: Partial<Record<keyof typeof KIND_OF, (cell: Cell) => boolean>> = {
  VARCHAR: (cell) => typeof cell === "string",
  DOUBLE: (cell) => typeof cell === "number",
  BOOLEAN: (cell) => typeof cell === "boolean",
  INTEGER: (cell) => typeof cell === "number" && (cell | 0) === cell,
  BIGINT: (cell) => typeof cell === "number" && Number.isSafeInteger(cell),
};

/**
 * Every staging column's sections for `batch`, in column order. Cells that do not fit their
 * column are stored null, each with a problem added to its row's `field_problems`; `misfits`
 * counts them.
 */
export function encodeColumns(batch: RowBatch): { columns: ColumnSections[]; misfits: number } {
  const problems = new Map<number, string[]>();
  let misfits = 0;
  const fitted = STAGING_COLUMNS.map((spec, c): readonly Cell[] => {
    const cells = batch.columns[c] ?? [];
    if (cells.length !== batch.rowCount) {
      throw new TypeError(
        `Cannot pack column ${spec.name}: it holds ${cells.length} cells for ${batch.rowCount} rows`,
      );
    }
    let copy: Cell[] | undefined;
    const quick = QUICK_FIT[spec.type];
    for (let row = 0; row < cells.length; row++) {
      const cell = cells[row] ?? null;
      if (cell === null || quick?.(cell) === true) continue;
      const why = cellProblem(cell, spec.type, spec.name);
      if (why === null) continue;
      copy ??= [...cells];
      copy[row] = null;
      misfits++;
      const list = problems.get(row) ?? [];
      list.push(`${spec.name}: ${shownCell(cell)} ${why}; left null`);
      problems.set(row, list);
    }
    return copy ?? cells;
  });
  if (problems.size > 0) {
    const column = [...(fitted[PROBLEMS] ?? [])];
    for (const [row, added] of problems) {
      const current = column[row];
      column[row] = [...(Array.isArray(current) ? current.map(String) : []), ...added];
    }
    fitted[PROBLEMS] = column;
  }
  const columns = STAGING_COLUMNS.map((spec, c) => encodeColumn(spec.type, fitted[c] ?? []));
  return { columns, misfits };
}
