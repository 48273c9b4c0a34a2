/**
 * What the warehouses and the lake can store, checked once before writing, for both warehouses
 * (they store the same values) and the lake's partitioning: a value that cannot be stored is
 * never a reason to fail a batch. A cell of the wrong type or out of range (a Kafka CreateTime of
 * 2^53, a date past 9999) is left null with a field problem on its row; a row or dead letter over
 * the row size limit has its largest values cut, said in the row's problems or the letter's
 * reason. Only Kafka coordinates are trusted as they come: without them there is no event.
 */
import {
  type Cell,
  type ColumnType,
  type DeadLetter,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../messages/staging_columns.ts";
import { nestedChars } from "../../messages/nested_columns.ts";
import { cellProblem, misfitsOf } from "../../messages/column_codec.ts";
import { type ColumnView, int64At, int64Words, isValid } from "../../messages/column_view.ts";
import { packedOf, type PackedRows, viewOf } from "../../messages/packed_rows.ts";
import { columnIndex } from "./batch_columns.ts";

/** 0001-01-01T00:00:00.000Z, the first instant a warehouse DATE or TIMESTAMP can hold. */
export const MIN_TIMESTAMP_MS = -62_135_596_800_000;
/** 9999-12-31T23:59:59.999Z, the last one. */
export const MAX_TIMESTAMP_MS = 253_402_300_799_999;
/**
 * Largest row (as insertAll JSON, bytes) a warehouse is given: BigQuery refuses rows and
 * requests over 10 MB, and a request carries at least one row.
 */
export const MAX_ROW_BYTES = 8 * 1024 * 1024;
/** Largest insertAll request body the BigQuery warehouse sends (split by rows and by bytes). */
export const MAX_REQUEST_BYTES = 9 * 1024 * 1024;

/** Folder of rows whose event date is unknown or not a date (Hive's name for a null value). */
export const FALLBACK_PARTITION = "dt=__HIVE_DEFAULT_PARTITION__";

/** Whether `ms` is an instant a warehouse DATE/TIMESTAMP (and the lake's dt folders) can hold. */
export function isRepresentableMs(ms: number): boolean {
  return Number.isSafeInteger(ms) && ms >= MIN_TIMESTAMP_MS && ms <= MAX_TIMESTAMP_MS;
}

/** The event date (`YYYY-MM-DD`, UTC) of a row, or null for the fallback partition. */
export function eventDate(eventTimeMs: Cell, kafkaTimestampMs: Cell): string | null {
  const ms = typeof eventTimeMs === "number" ? eventTimeMs : kafkaTimestampMs;
  return typeof ms === "number" && isRepresentableMs(ms)
    ? new Date(ms).toISOString().slice(0, 10)
    : null;
}

/** The same event date as DuckDB SQL over a staging table's columns (null: fallback). */
export const EVENT_DATE_SQL = `CASE
  WHEN coalesce(event_time_ms, _kafka_timestamp_ms)
    BETWEEN ${MIN_TIMESTAMP_MS} AND ${MAX_TIMESTAMP_MS}
  THEN strftime(epoch_ms(coalesce(event_time_ms, _kafka_timestamp_ms)), '%Y-%m-%d') END`;

const KEYS = new Set(["_topic", "_partition", "_offset"]);
const PROBLEMS = columnIndex("field_problems");
const encoder = new TextEncoder();

/** Why a cell cannot be stored as `type`, or null when it can. */
function unstorable(cell: Cell, type: ColumnType, name: string): string | null {
  const why = cellProblem(cell, type, name);
  if (why !== null || type !== "BIGINT" || typeof cell !== "number") return why;
  return isTimeColumn(name) && !isRepresentableMs(cell)
    ? "is outside 0001-01-01..9999-12-31"
    : null;
}

/** Columns of event-time milliseconds the lake partitions by (the Kafka stamp is trusted). */
const isTimeColumn = (name: string) => name.endsWith("_ms") && name !== "_kafka_timestamp_ms";

/** Whether every valid value of a packed int64 column is a representable instant. */
function instantsRepresentable(view: ColumnView): boolean {
  const words = int64Words(view);
  for (let i = 0; i < view.rowCount; i++) {
    if (isValid(view, i) && !isRepresentableMs(int64At(words, i))) return false;
  }
  return true;
}

/** A row's JSON bytes at most from column `view`, at row `i` (text and lists only). */
function columnBytes(view: ColumnView, i: number): number {
  const { starts, firsts } = view;
  if (view.kind === "list") {
    return (starts[firsts[i + 1]!]! - starts[firsts[i]!]!) * 6 + (firsts[i + 1]! - firsts[i]!) * 3 +
      26;
  }
  return (starts[i + 1]! - starts[i]!) * 6 + 26;
}

/**
 * Whether packed rows can be stored as they are: the packer already fitted every cell to its
 * type, so only the event-time range and the row size limit are left to check, from the bytes.
 * The size is first bounded by the sum of each column's largest value, which clears a batch
 * without summing every row (the sums run only when that bound is over the limit).
 */
function packedStorable(packed: PackedRows): boolean {
  const rows = packed.rowCount;
  const sized: ColumnView[] = [];
  let bound = STAGING_COLUMNS.length * 24;
  for (let c = 0; c < STAGING_COLUMNS.length; c++) {
    const view = viewOf(packed, c);
    if (view.kind === "text" || view.kind === "json" || view.kind === "list") {
      sized.push(view);
      let largest = 0;
      for (let i = 0; i < rows; i++) largest = Math.max(largest, columnBytes(view, i));
      bound += largest;
    } else if (view.kind === "int64" && isTimeColumn(view.name)) {
      if (!instantsRepresentable(view)) return false;
    }
  }
  if (bound <= MAX_ROW_BYTES) return true;
  const sizes = new Float64Array(rows).fill(STAGING_COLUMNS.length * 24);
  for (const view of sized) for (let i = 0; i < rows; i++) sizes[i]! += columnBytes(view, i);
  return sizes.every((bytes) => bytes <= MAX_ROW_BYTES);
}

/** Bytes a cell can take in a row's insertAll JSON, at most (a char escaped as \uXXXX: 6). */
function cellBytes(cell: Cell): number {
  if (typeof cell === "string") return cell.length * 6 + 2;
  if (Array.isArray(cell)) {
    let bytes = 2;
    for (const item of cell) {
      bytes += typeof item === "string" ? item.length * 6 + 3 : nestedChars([item]) * 6;
    }
    return bytes;
  }
  return 24;
}

/** Longest dead-letter reason kept, in characters. */
const MAX_REASON_CHARS = 16 * 1024;

/** Exact bytes of a cell in JSON. */
function jsonBytes(cell: Cell): number {
  return encoder.encode(JSON.stringify(cell)).byteLength;
}

function shown(cell: Cell): string {
  const text = JSON.stringify(cell) ?? String(cell);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}

/** A batch made storable, and how many cells had to change. */
export interface StorableBatch {
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  /** Cells left null or cut, and dead letters cut or re-stamped. */
  readonly fixed: number;
}

/** Adds `problem` to row `row`'s field problems. */
function addProblem(columns: Cell[][], row: number, problem: string): void {
  const cells = columns[PROBLEMS];
  if (cells === undefined) return;
  const current = cells[row];
  const kept = Array.isArray(current) ? current.filter((p) => typeof p === "string") : [];
  cells[row] = [...kept, problem];
}

/** Cuts the largest cells of `row` until its JSON fits `MAX_ROW_BYTES`; returns cells cut. */
function fitRow(columns: Cell[][], row: number): number {
  let total = 0;
  const sizes: { column: number; bytes: number }[] = [];
  STAGING_COLUMNS.forEach((spec, i) => {
    const bytes = jsonBytes(columns[i]?.[row] ?? null) + spec.name.length + 4;
    total += bytes;
    if (!KEYS.has(spec.name)) sizes.push({ column: i, bytes });
  });
  if (total <= MAX_ROW_BYTES) return 0;
  sizes.sort((a, b) => b.bytes - a.bytes);
  let cut = 0;
  for (const { column, bytes } of sizes) {
    if (total <= MAX_ROW_BYTES - 4096) break;
    const cells = columns[column];
    if (cells === undefined) continue;
    cells[row] = null;
    total -= bytes;
    cut++;
    const name = STAGING_COLUMNS[column]?.name ?? String(column);
    const problem = `${name}: ${bytes} bytes do not fit the ${MAX_ROW_BYTES}-byte row limit; ` +
      "left null";
    addProblem(columns, row, problem);
    total += problem.length + 4;
  }
  return cut;
}

/**
 * Returns `rows` and `deadLetters` with every value a warehouse cannot store made storable.
 * Copies only the columns it changes; clean batches come back as given.
 *
 * @example
 * ```ts
 * const storable = storableBatch(rows, deadLetters);
 * await append(storable.rows); // no cell can fail the append
 * ```
 */
export function storableBatch(rows: RowBatch, deadLetters: readonly DeadLetter[]): StorableBatch {
  const packed = packedOf(rows);
  // Cells the enricher's packer already left null with a problem count as fixed here too.
  const packerFixed = packed === undefined ? 0 : misfitsOf(packed.bytes);
  if (packed !== undefined && packedStorable(packed)) {
    const letters = deadLetters.map(storableLetter);
    const fixed = letters.filter((letter, i) => letter !== deadLetters[i]).length;
    return { rows, deadLetters: letters, fixed: fixed + packerFixed };
  }
  let columns = rows.columns;
  let fixed = packerFixed;
  const copied = new Set<number>();
  const writable = (i: number): Cell[] => {
    if (columns === rows.columns) columns = [...rows.columns];
    if (!copied.has(i)) {
      copied.add(i);
      columns[i] = [...(columns[i] ?? [])];
    }
    return columns[i] as Cell[];
  };
  const suspects: number[] = [];
  const sizes = new Float64Array(rows.rowCount);
  STAGING_COLUMNS.forEach((spec, i) => {
    const cells = rows.columns[i] ?? [];
    const key = KEYS.has(spec.name);
    for (let row = 0; row < rows.rowCount; row++) {
      const cell = cells[row] ?? null;
      sizes[row] = (sizes[row] ?? 0) + cellBytes(cell);
      const why = unstorable(cell, spec.type, spec.name);
      if (why === null) continue;
      if (key) throw new TypeError(`Cannot write row ${row}: ${spec.name} ${shown(cell)} ${why}`);
      writable(i)[row] = null;
      writable(PROBLEMS);
      addProblem(columns, row, `${spec.name}: ${shown(cell)} ${why}; left null`);
      fixed++;
    }
  });
  for (let row = 0; row < rows.rowCount; row++) {
    if ((sizes[row] ?? 0) > MAX_ROW_BYTES) suspects.push(row);
  }
  for (const row of suspects) {
    STAGING_COLUMNS.forEach((_, i) => writable(i));
    fixed += fitRow(columns, row);
  }
  const letters = deadLetters.map((letter) => {
    const storable = storableLetter(letter);
    if (storable !== letter) fixed++;
    return storable;
  });
  const same = columns === rows.columns;
  return { rows: same ? rows : { rowCount: rows.rowCount, columns }, deadLetters: letters, fixed };
}

/** A dead letter a warehouse can store: a storable timestamp, raw bytes cut to the row limit. */
export function storableLetter(letter: DeadLetter): DeadLetter {
  const stamp = letter.kafkaTimestampMs;
  const badStamp = stamp !== null && !Number.isSafeInteger(stamp);
  // Raw bytes travel as base64 (4 per 3) in BigQuery; the reason and coordinates need room too.
  const rawBudget = Math.floor((MAX_ROW_BYTES - 256 * 1024) / 4) * 3;
  const tooLong = letter.raw.byteLength > rawBudget;
  const longReason = letter.reason.length > MAX_REASON_CHARS;
  if (!badStamp && !tooLong && !longReason) return letter;
  const notes: string[] = [];
  if (longReason) notes.push(`reason cut from ${letter.reason.length} characters`);
  if (badStamp) notes.push(`Kafka timestamp ${stamp} is not storable; left null`);
  if (tooLong) {
    notes.push(
      `raw value cut from ${letter.raw.byteLength} to ${rawBudget} bytes to fit the row limit`,
    );
  }
  return {
    ...letter,
    kafkaTimestampMs: badStamp ? null : stamp,
    reason: `${letter.reason.slice(0, MAX_REASON_CHARS)} (${notes.join("; ")})`,
    raw: tooLong ? letter.raw.slice(0, rawBudget) : letter.raw,
  };
}
