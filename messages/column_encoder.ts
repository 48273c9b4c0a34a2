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
  type ColumnSpec,
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

/**
 * UTF-8 of `texts` one after another; `lengths[i]` gets text i's byte length (`known`: the caller
 * has put each text's length in already, which is its byte length when all are ASCII).
 */
function encodeTexts(
  texts: readonly (string | null)[],
  lengths: Uint32Array,
  known = false,
): Uint8Array {
  const joined = texts.join(""); // null joins as ""
  const bytes = encoder.encode(joined);
  if (bytes.byteLength === joined.length) {
    if (!known) { for (let i = 0; i < texts.length; i++) lengths[i] = texts[i]?.length ?? 0; }
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

/** A cell that does not fit its column: it is stored null and `why` goes to its row's problems. */
type Misfit = (row: number, cell: Cell, why: string) => void;

const u32 = (bytes: Uint8Array) => new Uint32Array(bytes.buffer, 0, bytes.byteLength >>> 2);

/**
 * One column's sections: each cell is checked by a fast test of its kind (the full rule,
 * `cellProblem`, only for nested lists and cells that fail it), marked valid and written in the
 * same pass; a misfit is stored null and reported.
 */
function encodeColumn(spec: ColumnSpec, cells: readonly Cell[], misfit: Misfit): ColumnSections {
  const rows = cells.length;
  const kind = KIND_OF[spec.type];
  const validity = new Uint8Array(Math.ceil(rows / 8));
  const values = new Uint8Array(align8(rows * VALUE_WIDTH[kind]));
  const sized = values.subarray(0, rows * VALUE_WIDTH[kind]);
  const valid = (i: number) => validity[i >>> 3]! |= 1 << (i & 7);
  /** The full rule for a cell the fast test did not pass; false (and reported) when it fails. */
  const fits = (i: number, cell: Cell): boolean => {
    const why = cellProblem(cell, spec.type, spec.name);
    if (why === null) return true;
    misfit(i, cell, why);
    return false;
  };
  switch (kind) {
    case "text": {
      const lengths = u32(values);
      let misfits = false;
      for (let i = 0; i < rows; i++) {
        const v = cells[i];
        if (typeof v === "string") {
          valid(i);
          lengths[i] = v.length;
        } else if (v !== null && v !== undefined) misfits = !fits(i, v) || misfits;
      }
      // Checked above: every cell is text or null, or the misfits are replaced first.
      const texts = misfits
        ? cells.map((c) => typeof c === "string" ? c : null)
        : cells as readonly (string | null)[];
      return [validity, sized, EMPTY, encodeTexts(texts, lengths, true)];
    }
    case "json":
    case "records": {
      const kept = cells.map((c, i): Cell => {
        if (c === null || c === undefined || !fits(i, c)) return null;
        valid(i);
        return c;
      });
      if (kind === "records") {
        return [validity, sized, ...encodeRecords(spec.type, kept, u32(values))];
      }
      const texts = kept.map((c) => c === null ? null : JSON.stringify(c));
      return [validity, sized, EMPTY, encodeTexts(texts, u32(values))];
    }
    case "list": {
      const counts = u32(values);
      const items: string[] = [];
      for (let i = 0; i < rows; i++) {
        const cell = cells[i];
        if (cell === null || cell === undefined || !fits(i, cell) || !Array.isArray(cell)) continue;
        valid(i);
        counts[i] = cell.length;
        for (const item of cell) if (typeof item === "string") items.push(item);
      }
      const lengths = new Uint32Array(items.length);
      const bytes = encodeTexts(items, lengths);
      return [validity, sized, new Uint8Array(lengths.buffer), bytes];
    }
    case "int64": {
      const words = u32(values);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number" && Number.isSafeInteger(n)) {
          valid(i);
          const high = Math.floor(n / TWO_32);
          words[i * 2] = n - high * TWO_32;
          words[i * 2 + 1] = high;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "int32": {
      const ints = new Int32Array(values.buffer);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number" && (n | 0) === n) {
          valid(i);
          ints[i] = n;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "float64": {
      const doubles = new Float64Array(values.buffer);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number") {
          valid(i);
          doubles[i] = n;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      return [validity, sized, EMPTY, EMPTY];
    }
    case "bool":
      for (let i = 0; i < rows; i++) {
        const b = cells[i];
        if (typeof b === "boolean") {
          valid(i);
          values[i] = b ? 1 : 0;
        } else if (b !== null && b !== undefined) fits(i, b);
      }
      return [validity, sized, EMPTY, EMPTY];
  }
}

/**
 * Every staging column's sections for `batch`, in column order. Cells that do not fit their
 * column are stored null, each with a problem added to its row's `field_problems` (encoded last,
 * so that it holds them); `misfits` counts them.
 */
export function encodeColumns(batch: RowBatch): { columns: ColumnSections[]; misfits: number } {
  const problems = new Map<number, string[]>();
  let misfits = 0;
  const misfit: Misfit = (row, cell, why) => {
    misfits++;
    const spec = STAGING_COLUMNS[current];
    const list = problems.get(row) ?? [];
    list.push(`${spec?.name}: ${shownCell(cell)} ${why}; left null`);
    problems.set(row, list);
  };
  let current = 0;
  const cellsOf = (c: number) => {
    const cells = batch.columns[c] ?? [];
    if (cells.length !== batch.rowCount) {
      const name = STAGING_COLUMNS[c]?.name;
      throw new TypeError(
        `Cannot pack column ${name}: it holds ${cells.length} cells for ${batch.rowCount} rows`,
      );
    }
    return cells;
  };
  const columns = new Array<ColumnSections>(STAGING_COLUMNS.length);
  STAGING_COLUMNS.forEach((spec, c) => {
    current = c;
    if (c !== PROBLEMS) columns[c] = encodeColumn(spec, cellsOf(c), misfit);
  });
  // field_problems last: a misfit of its own keeps its text items; every problem is added.
  current = PROBLEMS;
  const spec = STAGING_COLUMNS[PROBLEMS];
  let cells: readonly Cell[] = cellsOf(PROBLEMS);
  if (spec !== undefined) {
    const own = cells.map((cell, row) => {
      if (cell === null || cellProblem(cell, spec.type, spec.name) === null) return cell;
      misfit(row, cell, cellProblem(cell, spec.type, spec.name) ?? "");
      return Array.isArray(cell) ? cell.filter((item) => typeof item === "string") : [];
    });
    if (problems.size > 0) {
      cells = own.map((cell, row) => {
        const added = problems.get(row);
        if (added === undefined) return cell;
        return [
          ...(Array.isArray(cell) ? cell.filter((p) => typeof p === "string") : []),
          ...added,
        ];
      });
    }
    columns[PROBLEMS] = encodeColumn(spec, cells, misfit);
  }
  return { columns, misfits };
}
