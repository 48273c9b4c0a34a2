/**
 * What the writer and the exporter say about staging generations, as plain data: a sealed
 * generation and its row count, where its Parquet files are to be written (a local folder, or a
 * Cloud Storage prefix for BigQuery's own EXPORT DATA), the export manifest's entries, and the
 * answer of a warehouse operation, which is a value or a failure (never a crash of the writer).
 */
import { isNumberArray, isRecord, isStringArray } from "../actors/runtime/guards.ts";
import type { Guard } from "../actors/runtime/protocol.ts";

/** A sealed staging generation and its row count at sealing. */
export interface SealedGeneration {
  readonly generation: number;
  readonly rowCount: number;
}

/** One entry of the export manifest: a generation verified in the lake. */
export interface ExportRecord {
  readonly generation: number;
  /** Where the lake holds it (folder path or gs:// URI). */
  readonly location: string;
  readonly rowCount: number;
  readonly exportedAtMs: number;
  /** The generation's files, relative to `location`. */
  readonly files: readonly string[];
  /** Their total size. */
  readonly bytes: number;
  /** SHA-256 hex over the files' contents in `files` order. */
  readonly checksum: string;
}

/**
 * Where a sealed generation's Parquet files are written before they are published: a local
 * folder, or (BigQuery's server-side export) a `gs://` prefix.
 */
export type ExportTarget =
  | { readonly kind: "folder"; readonly dir: string }
  | { readonly kind: "gcs"; readonly uri: string };

/** A warehouse operation's answer: its value, or why it failed (the writer goes on). */
export type Answer<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly error: string };

/** The result of an export, as `deno task export` prints it. */
export interface ExportReport {
  readonly generations: number[];
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** An export's outcome: a failed export is data (ingestion goes on), retried on the next ask. */
export type ExportOutcome =
  | { readonly ok: true; readonly report: ExportReport }
  | { readonly ok: false; readonly error: string };

const isCount = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v);

/** Checks a sealed generation. */
export const isSealedGeneration: Guard<SealedGeneration> = (v): v is SealedGeneration =>
  isRecord(v) && isCount(v.generation) && isCount(v.rowCount);

/** Checks a manifest entry. */
export const isExportRecord: Guard<ExportRecord> = (v): v is ExportRecord =>
  isRecord(v) && isCount(v.generation) && typeof v.location === "string" &&
  isCount(v.rowCount) && typeof v.exportedAtMs === "number" && isStringArray(v.files) &&
  isCount(v.bytes) && typeof v.checksum === "string";

/** Checks an export target. */
export const isExportTarget: Guard<ExportTarget> = (v): v is ExportTarget =>
  isRecord(v) &&
  (v.kind === "folder" ? typeof v.dir === "string" : v.kind === "gcs" && typeof v.uri === "string");

/** A guard of answers whose value `value` checks. */
export function isAnswer<T>(value: Guard<T>): Guard<Answer<T>> {
  return (v): v is Answer<T> =>
    isRecord(v) && (v.ok === true ? value(v.value) : v.ok === false && typeof v.error === "string");
}

/** Checks an export report. */
export const isExportReport: Guard<ExportReport> = (v): v is ExportReport =>
  isRecord(v) && isNumberArray(v.generations) && typeof v.rows === "number" &&
  typeof v.files === "number" && typeof v.bytes === "number" && typeof v.seconds === "number";

/** Checks an export's outcome. */
export const isExportOutcome: Guard<ExportOutcome> = (v): v is ExportOutcome =>
  isRecord(v) &&
  (v.ok === true ? isExportReport(v.report) : v.ok === false && typeof v.error === "string");
