/**
 * Protocol of the writer actor, which owns the warehouse connection (DuckDB allows one writer):
 * write batches (one transaction each, then `writer.batchWritten` with the chunk ids to
 * acknowledge), exports (sealed at a batch boundary because the writer handles one message at a
 * time), and the catalog pages the crawler pool reads and merges.
 */
import { message, request } from "../actors/runtime/protocol.ts";
import type { CrawlResult, ProductToCrawl } from "../actors/writer/warehouse.ts";
import type { LakeTarget, WarehouseTarget } from "../config/config.ts";
import { isWriteBatch } from "./batcher.ts";
import { isEmpty, isNumberArray, isRecord } from "./guards.ts";

/** Upper bounds (ms) of the end-to-end latency histogram: Kafka timestamp to durable commit. */
export const LATENCY_BUCKETS_MS = [50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000];

/** Test-only faults (never set in production): crash or fail the writer on a schedule. */
export interface WriterFaults {
  /** Crash the Worker after every Nth durable write, before acknowledging it (0: never). */
  readonly crashAfterEveryNthWrite: number;
  /** Fail the first attempt of every Nth write inside its transaction (0: never). */
  readonly failEveryNthWrite: number;
}

/** Init arguments. */
export interface WriterArgs {
  readonly dataDir: string;
  readonly warehouse: WarehouseTarget;
  readonly lake: LakeTarget;
  /** Endpoints for emulators (unset in production). */
  readonly bigqueryEndpoint: string | null;
  readonly storageEndpoint: string | null;
  readonly faults: WriterFaults;
}

/** What one batch did, with what the consumer needs to commit. */
export interface BatchWritten {
  readonly chunkIds: number[];
  readonly generation: number;
  readonly staged: number;
  readonly deadLettered: number;
  readonly replayed: number;
  readonly newProducts: number;
  readonly attempts: number;
  readonly writeMs: number;
  /** Rows per latency bucket (same order as LATENCY_BUCKETS_MS, plus one for "more"). */
  readonly latencyCounts: number[];
  readonly latencySumMs: number;
}

/** The result of an export, as `deno task export` prints it. */
export interface ExportReport {
  readonly generations: number[];
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Checks writer init arguments. */
export const isWriterArgs = (v: unknown): v is WriterArgs =>
  isRecord(v) && typeof v.dataDir === "string" && isRecord(v.warehouse) && isRecord(v.lake) &&
  isRecord(v.faults);

const isBatchWritten = (v: unknown): v is BatchWritten =>
  isRecord(v) && isNumberArray(v.chunkIds) && typeof v.staged === "number" &&
  isNumberArray(v.latencyCounts);
const isExportReport = (v: unknown): v is ExportReport =>
  isRecord(v) && isNumberArray(v.generations) && typeof v.rows === "number";
const isLimit = (v: unknown): v is { limit: number } => isRecord(v) && typeof v.limit === "number";
const isProducts = (v: unknown): v is { products: ProductToCrawl[] } =>
  isRecord(v) && Array.isArray(v.products);
const isResults = (v: unknown): v is { results: CrawlResult[] } =>
  isRecord(v) && Array.isArray(v.results);
const isUpdated = (v: unknown): v is { updated: number } =>
  isRecord(v) && typeof v.updated === "number";

/** What the writer accepts and emits. */
export const WRITER_PROTOCOL = {
  name: "writer",
  accepts: {
    "writer.write": message(isWriteBatch),
    "writer.export": request(isEmpty, isExportReport),
    "writer.uncrawled": request(isLimit, isProducts),
    "writer.mergeCrawl": request(isResults, isUpdated),
  },
  emits: {
    "writer.batchWritten": message(isBatchWritten),
  },
} as const;
