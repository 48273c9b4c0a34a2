/**
 * Cells to the packed-rows format (`column_codec.ts`), once, where rows are made. Every section
 * is written where it lies in the buffer (an output reused from batch to batch, copied out once
 * at the end), not built as arrays of its own and then laid out. A column's text is joined and
 * encoded in one call when it is all ASCII (byte lengths are then the string lengths); otherwise
 * each string is encoded on its own, so a lone surrogate at the end of one value cannot pair with
 * the start of the next. A cell that does not fit its column's type is stored null with a field
 * problem on its row, as the writer would have: one bad value never costs its event or the chunk.
 */
import { copyBytes } from "../actors/runtime/buffer_pool.ts";
import { isRecord } from "../actors/runtime/guards.ts";
import {
  ABSENT,
  align8,
  BYTES,
  cellProblem,
  CHILDREN,
  HEADER_WORDS,
  headerBytes,
  KIND_OF,
  MAGIC,
  SECTIONS,
  VALIDITY,
  VALUE_WIDTH,
  VALUES,
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
const TWO_32 = 4294967296;
const PROBLEMS = STAGING_COLUMNS.findIndex((c) => c.name === "field_problems");

/** A cell shown in a problem: JSON, cut to 40 characters. */
export function shownCell(cell: unknown): string {
  const text = JSON.stringify(cell) ?? String(cell);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** Bytes of output kept between batches; a larger one (a hostile batch) is let go after use. */
const KEPT_OUTPUT_BYTES = 8 << 20;

/**
 * The buffer being laid out: grows by doubling and is kept for the next batch (one per Worker).
 * A section is taken zeroed at the end, 8-byte aligned; typed views of it must be made after the
 * last `ensure`, which may move the bytes.
 */
class Output {
  bytes = new Uint8Array(1 << 16);
  end = 0;
  /** Section offsets and lengths, as the directory holds them. */
  directory: number[] = [];

  /** Room for `n` more bytes past the end, keeping those written. */
  ensure(n: number): void {
    const need = this.end + n + 8;
    if (need <= this.bytes.byteLength) return;
    const grown = new Uint8Array(Math.max(need, this.bytes.byteLength * 2));
    grown.set(this.bytes.subarray(0, this.end));
    this.bytes = grown;
  }

  /** Ends a section of `size` bytes written at `at` (the end): pads it with zeros to 8 bytes. */
  close(c: number, k: number, at: number, size: number): void {
    this.end = at + align8(size);
    this.bytes.fill(0, at + size, this.end);
    const entry = HEADER_WORDS + (c * SECTIONS + k) * 2;
    this.directory[entry] = at;
    this.directory[entry + 1] = size;
  }

  /** Takes section `k` of column `c`, `size` zeroed bytes; returns its offset. */
  take(c: number, k: number, size: number): number {
    this.ensure(size);
    const at = this.end;
    this.bytes.fill(0, at, at + size);
    this.close(c, k, at, size);
    return at;
  }

  /** Uint32 words of `count` at byte offset `at` (aligned). */
  words(at: number, count: number): Uint32Array {
    return new Uint32Array(this.bytes.buffer, at, count);
  }
}

const output = new Output();

/**
 * Bytes of `text` in UTF-8 as `TextEncoder` writes it: a surrogate pair (two units) is four
 * bytes, a lone surrogate becomes U+FFFD (three bytes, as every other unit from U+0800).
 */
function utf8Length(text: string): number {
  let bytes = text.length;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) continue;
    if (unit < 0x800) {
      bytes += 1;
      continue;
    }
    bytes += 2;
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1); // NaN past the end
      if (next >= 0xdc00 && next <= 0xdfff) i++;
    }
  }
  return bytes;
}

/**
 * Writes `texts` one after another as section `k` of column `c` (its bytes); word i at byte
 * offset `lengthsAt` (or of `into`, when given) gets text i's byte length (`known`: the caller
 * has put each text's length there already, which is its byte length when all are ASCII).
 */
function putTexts(
  out: Output,
  c: number,
  texts: readonly (string | null)[],
  lengthsAt: number,
  known = false,
  into?: Uint32Array,
): void {
  const joined = texts.join(""); // null joins as ""
  out.ensure(joined.length * 3);
  const at = out.end;
  const { written } = encoder.encodeInto(joined, out.bytes.subarray(at));
  const lengths = into ?? out.words(lengthsAt, texts.length);
  if (written === joined.length) {
    if (!known) {
      for (let i = 0; i < texts.length; i++) {
        // Tested as a string first: `.length` on a mix of string shapes and null is a
        // megamorphic load (a tenth of the packing's CPU in the enricher's profile).
        const text = texts[i];
        lengths[i] = typeof text === "string" ? text.length : 0;
      }
    }
    out.close(c, BYTES, at, written);
    return;
  }
  // Not all ASCII: each text's UTF-8 length counted here; the joined bytes hold exactly those
  // unless a lone surrogate at the end of one text paired with the start of the next (the total
  // then falls short by 2 per pair), and only then is each text encoded on its own.
  let total = 0;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) {
      lengths[i] = 0;
      continue;
    }
    const n = utf8Length(text);
    lengths[i] = n;
    total += n;
  }
  if (total === written) {
    out.close(c, BYTES, at, written);
    return;
  }
  let to = at;
  for (let i = 0; i < texts.length; i++) {
    const text = texts[i];
    if (text === null || text === undefined) continue;
    const { written } = encoder.encodeInto(text, out.bytes.subarray(to));
    lengths[i] = written;
    to += written;
  }
  out.close(c, BYTES, at, to - at);
}

/** Byte lengths of a records column's present members, before they go to their slots. */
let memberLengths = new Uint32Array(1 << 12);

/**
 * Validity, counts, children and bytes of a list of structs whose members are all text: per
 * element, each member's byte length in declared order (`ABSENT` when the element lacks it).
 * A cell that is not such a list gets the full rule (`cellProblem`) and, failing it, is null.
 * Only present members are gathered (an `option` element holds 4 of its 17), then their lengths
 * are put in their slots over a children section filled with `ABSENT`.
 */
function putRecords(out: Output, c: number, spec: ColumnSpec, cells: readonly Cell[], fits: Fits) {
  const rows = cells.length;
  const names = isNestedType(spec.type) ? NESTED_TYPES[spec.type].fields.map((f) => f.name) : [];
  const width = names.length;
  const index = new Map(names.map((name, f) => [name, f]));
  const validityAt = out.take(c, VALIDITY, Math.ceil(rows / 8));
  const countsAt = out.take(c, VALUES, rows * 4);
  const validity = out.bytes.subarray(validityAt, validityAt + Math.ceil(rows / 8));
  const counts = out.words(countsAt, rows);
  const texts: string[] = [];
  const slotOf: number[] = [];
  const element: (string | undefined)[] = new Array<string | undefined>(width).fill(undefined);
  let slots = 0;
  for (let i = 0; i < rows; i++) {
    const cell = cells[i];
    if (cell === null || cell === undefined) continue;
    if (!Array.isArray(cell)) {
      fits(i, cell);
      continue;
    }
    // Gathered in one pass with the fast test (declared keys, text or null members); a cell
    // failing it is taken back and kept, as gathered, only if it passes the full rule.
    const textsBefore = texts.length;
    const slotsBefore = slots;
    let textOnly = true;
    for (const item of cell) {
      if (isRecord(item)) {
        for (const key in item) {
          const f = index.get(key);
          const member = item[key];
          if (f !== undefined && typeof member === "string") element[f] = member;
          else if (f === undefined || member !== null) textOnly = false;
        }
        for (let f = 0; f < width; f++) {
          const member = element[f];
          if (member === undefined) continue;
          texts.push(member);
          slotOf.push(slots + f);
          element[f] = undefined;
        }
      } else textOnly = false;
      slots += width;
    }
    if (!textOnly && !fits(i, cell)) {
      texts.length = textsBefore;
      slotOf.length = textsBefore;
      slots = slotsBefore;
      continue;
    }
    validity[i >>> 3]! |= 1 << (i & 7);
    counts[i] = cell.length;
  }
  const lengthsAt = out.take(c, CHILDREN, slots * 4);
  if (memberLengths.length < texts.length) memberLengths = new Uint32Array(texts.length * 2);
  putTexts(out, c, texts, lengthsAt, false, memberLengths);
  const lengths = out.words(lengthsAt, slots);
  lengths.fill(ABSENT);
  for (let k = 0; k < texts.length; k++) lengths[slotOf[k]!] = memberLengths[k]!;
}

/** The full rule for a cell the fast test did not pass; false (and reported) when it fails. */
type Fits = (row: number, cell: Cell) => boolean;

/** A cell that does not fit its column: it is stored null and `why` goes to its row's problems. */
type Misfit = (row: number, cell: Cell, why: string) => void;

/**
 * Column `c`'s sections, written into `out`: each cell is checked by a fast test of its kind
 * (the full rule, `cellProblem`, only for cells that fail it), marked valid and written in the
 * same pass; a misfit is stored null and reported.
 */
function putColumn(
  out: Output,
  c: number,
  spec: ColumnSpec,
  cells: readonly Cell[],
  misfit: Misfit,
) {
  const rows = cells.length;
  const kind = KIND_OF[spec.type];
  const fits: Fits = (i, cell) => {
    const why = cellProblem(cell, spec.type, spec.name);
    if (why === null) return true;
    misfit(i, cell, why);
    return false;
  };
  if (kind === "records") return putRecords(out, c, spec, cells, fits);
  const validityAt = out.take(c, VALIDITY, Math.ceil(rows / 8));
  const valuesAt = out.take(c, VALUES, rows * VALUE_WIDTH[kind]);
  const validity = out.bytes.subarray(validityAt, validityAt + Math.ceil(rows / 8));
  const valid = (i: number) => validity[i >>> 3]! |= 1 << (i & 7);
  const buffer = out.bytes.buffer;
  switch (kind) {
    case "text": {
      const lengths = out.words(valuesAt, rows);
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
      out.take(c, CHILDREN, 0);
      return putTexts(out, c, texts, valuesAt, true);
    }
    case "json": {
      const texts = cells.map((cell, i): string | null => {
        if (cell === null || cell === undefined || !fits(i, cell)) return null;
        valid(i);
        return JSON.stringify(cell);
      });
      out.take(c, CHILDREN, 0);
      return putTexts(out, c, texts, valuesAt);
    }
    case "list": {
      const counts = out.words(valuesAt, rows);
      const items: string[] = [];
      for (let i = 0; i < rows; i++) {
        const cell = cells[i];
        if (cell === null || cell === undefined || !fits(i, cell) || !Array.isArray(cell)) continue;
        valid(i);
        counts[i] = cell.length;
        for (const item of cell) if (typeof item === "string") items.push(item);
      }
      return putTexts(out, c, items, out.take(c, CHILDREN, items.length * 4));
    }
    case "int64": {
      const words = out.words(valuesAt, rows * 2);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number" && Number.isSafeInteger(n)) {
          valid(i);
          const high = Math.floor(n / TWO_32);
          words[i * 2] = n - high * TWO_32;
          words[i * 2 + 1] = high;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      break;
    }
    case "int32": {
      const ints = new Int32Array(buffer, valuesAt, rows);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number" && (n | 0) === n) {
          valid(i);
          ints[i] = n;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      break;
    }
    case "float64": {
      const doubles = new Float64Array(buffer, valuesAt, rows);
      for (let i = 0; i < rows; i++) {
        const n = cells[i];
        if (typeof n === "number") {
          valid(i);
          doubles[i] = n;
        } else if (n !== null && n !== undefined) fits(i, n);
      }
      break;
    }
    case "bool": {
      const values = out.bytes;
      for (let i = 0; i < rows; i++) {
        const b = cells[i];
        if (typeof b === "boolean") {
          valid(i);
          values[valuesAt + i] = b ? 1 : 0;
        } else if (b !== null && b !== undefined) fits(i, b);
      }
      break;
    }
  }
  out.take(c, CHILDREN, 0);
  out.take(c, BYTES, 0);
}

/**
 * `batch` in the packed-rows format: header, directory and every staging column's sections.
 * Cells that do not fit their column are stored null, each with a problem added to its row's
 * `field_problems` (encoded last, so that it holds them); the header counts them.
 */
export function encodeRows(batch: RowBatch): Uint8Array {
  const out = output;
  out.end = 0;
  out.directory = new Array<number>(HEADER_WORDS + STAGING_COLUMNS.length * SECTIONS * 2).fill(0);
  const head = headerBytes(STAGING_COLUMNS.length);
  out.ensure(head);
  out.end = head;
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
  for (let c = 0; c < STAGING_COLUMNS.length; c++) {
    const spec = STAGING_COLUMNS[c];
    current = c;
    if (c !== PROBLEMS && spec !== undefined) putColumn(out, c, spec, cellsOf(c), misfit);
  }
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
    putColumn(out, PROBLEMS, spec, cells, misfit);
  }
  const words = out.words(0, head / 4);
  words.fill(0);
  words.set(out.directory);
  words[0] = MAGIC;
  words[1] = batch.rowCount;
  words[2] = STAGING_COLUMNS.length;
  words[3] = misfits;
  const packed = copyBytes(out.bytes.subarray(0, out.end));
  if (out.bytes.byteLength > KEPT_OUTPUT_BYTES) out.bytes = new Uint8Array(1 << 16);
  return packed;
}
