/**
 * Protocol of the writer actor, which owns the warehouse connection (DuckDB allows one writer):
 * write batches (one transaction each, retried for as long as it takes, then
 * `writer.batchWritten` with the chunk ids to acknowledge), the staging generations the exporter
 * seals, exports and drops (a seal falls at a batch boundary because the writer handles one
 * message at a time; writing a sealed generation's Parquet runs beside the writes; a failure is
 * an answer, never a crash), and the catalog pages the crawler pool reads and merges. While a batch cannot be written the
 * writer says so (`writer.stalled`, `writer.resumed`); a chunk whose partition log does not
 * continue the stored watermark is refused (`writer.partitionRefused`).
 */
import { message, request } from "../actors/runtime/protocol.ts";
import { isWriteBatch } from "./batcher.ts";
import {
  type ExportTarget,
  isAnswer,
  isExportRecord,
  isExportTarget,
  isSealedGeneration,
  type SealedGeneration,
} from "./staging_generations.ts";
import { isEmpty, isNumberArray, isRecord } from "../actors/runtime/guards.ts";
import type { CrawlResult, ProductToCrawl } from "./crawler.ts";

/**
 * How DuckDB stores staged text at its checkpoints (`DUCKDB_STRING_COMPRESSION`): `auto` lets it
 * compress (`dict_fsst` in a warehouse this version made, dictionary or FSST in an older one),
 * `off` stores text as it is (cheaper checkpoints only in an older warehouse; 3-8× the disk).
 */
export type StringCompression = "auto" | "off";

/** The `StringCompression` modes, as `DUCKDB_STRING_COMPRESSION` and the benches accept them. */
export const STRING_COMPRESSIONS: readonly StringCompression[] = ["auto", "off"];

/** Checks a `StringCompression`. */
export const isStringCompression = (v: unknown): v is StringCompression =>
  STRING_COMPRESSIONS.some((mode) => mode === v);

/**
 * DuckDB's `memory_limit` in MB for a target that names none, the default of
 * `DUCKDB_MEMORY_LIMIT_MB` (DuckDB's own default is 80% of RAM). Sized from the process's 500 MB
 * target (README "Memory"): `bench -- ingest` measured peak RSS 1.76 GB with 512MB and 1.38 GB
 * with 128MB over 300,000 events, with no change in the writer's CPU per event. 64MB is too
 * little: a commit of a 10,000-row batch failed to pin a block (61.0 of 61.0 MiB used) and the
 * writer stalled, retrying. More is faster (2026-11-30, `bench -- ingest --string-compression
 * off`: 384MB gave 60,000 events/s against 53,300 with 128MB, DuckDB's threads 6.8 against 8.7 µs
 * per event, peak RSS 1,438 against 1,245 MiB): rows committed but not checkpointed (up to
 * `DUCKDB_CHECKPOINT_MB` of WAL) then stay in memory instead of being compressed out to `<warehouse>.tmp/` and
 * read back at the checkpoint.
 */
export const DUCKDB_MEMORY_LIMIT_MB = 128;

/**
 * DuckDB's `checkpoint_threshold` in MB of WAL for a target that names none, the default of
 * `DUCKDB_CHECKPOINT_MB`: the commit that crosses it checkpoints (docs/OPERATIONS.md, "DuckDB's
 * WAL and checkpoints"). 64 since 2026-12-01 (256 before): back to back on the 2-core machine,
 * 64 gave 20% more events/s, 15% less CPU per event (the rows awaiting a checkpoint stay under
 * the memory cap instead of spilling ~200 MiB to disk and reading it back) and a p99 at 10,000
 * events/s of 950 / 1,500 ms against 2,500 / 5,000 ms (checkpoints of ~0.6 s instead of ~2.7 s).
 */
export const DUCKDB_CHECKPOINT_MB = 64;

/**
 * Where the warehouse lives (a DuckDB target without `stringCompression` uses `auto`, without
 * `memoryLimitMb` the pipeline's 128, without `checkpointMb` 64).
 */
export type WarehouseTarget =
  | {
    readonly kind: "duckdb";
    readonly path: string;
    readonly stringCompression?: StringCompression;
    /** DuckDB's `memory_limit` in MB (`DUCKDB_MEMORY_LIMIT_MB`). */
    readonly memoryLimitMb?: number;
    /** DuckDB's `checkpoint_threshold` in MB of WAL (`DUCKDB_CHECKPOINT_MB`). */
    readonly checkpointMb?: number;
  }
  | { readonly kind: "bigquery"; readonly project: string; readonly dataset: string };

/** Where the Bronze lake lives. */
export type LakeTarget =
  | { readonly kind: "folder"; readonly path: string }
  | { readonly kind: "gcs"; readonly bucket: string; readonly prefix: string };

/**
 * Upper bounds (ms) of the end-to-end latency histogram: Kafka timestamp to durable commit. 50 ms
 * steps up to 1 s (the p99 target), coarser above.
 */
export const LATENCY_BUCKETS_MS = [
  ...Array.from({ length: 20 }, (_, i) => 50 * (i + 1)),
  1_500,
  2_000,
  2_500,
  5_000,
  10_000,
  30_000,
  60_000,
];

/** Test-only faults (never set in production): crash or fail the writer on a schedule. */
export interface WriterFaults {
  /** Crash the Worker after every Nth durable write, before acknowledging it (0: never). */
  readonly crashAfterEveryNthWrite: number;
  /** Fail the first attempt of every Nth write inside its transaction (0: never). */
  readonly failEveryNthWrite: number;
  /** The Nth write never finishes: the writer hangs before storing it (0: never). */
  readonly hangOnNthWrite: number;
}

/** Init arguments. */
export interface WriterArgs {
  readonly dataDir: string;
  readonly warehouse: WarehouseTarget;
  /** BigQuery endpoint of an emulator (null in production). */
  readonly bigqueryEndpoint: string | null;
  /** Time cap of one BigQuery request. */
  readonly requestTimeoutMs: number;
  readonly faults: WriterFaults;
}

/**
 * Where a batch's wall-clock time goes on the writer's serial chain, in the order a batch goes
 * through them (the order of `BatchWritten.phaseMs`): waiting for the batch, preparing it at its
 * turn, each step of its transaction, the COMMIT wait (and the part of it spent preparing the next
 * batch), commits that ran one of DuckDB's checkpoints, and answering.
 */
export const WRITE_PHASES = [
  /** From the previous batch's answer to this one's turn, less any prepare in that gap. */
  "idle",
  /** Preparing this batch at its turn (it was not prepared during the commit before it). */
  "prepareAtTurn",
  /** BEGIN, and reading the watermarks when they are not kept. */
  "begin",
  /** Planning (replays, refusals) and making values storable. */
  "plan",
  /** Appending the staging rows (appender, chunks, flush). */
  "staging",
  "deadLetters",
  /** The dimension upserts (DuckDB: waiting for the ones started when the batch was prepared). */
  "dimensions",
  "watermarks",
  /** Preparing the next batch while this one's COMMIT runs on DuckDB's threads. */
  "prepareInCommit",
  /** Waiting for a COMMIT that did not checkpoint, once the writer's own work was done. */
  "commit",
  /** Waiting for a COMMIT that ran a checkpoint (the WAL shrank). */
  "checkpoint",
  /** After the commit: caches, results, the latency histogram and the answer. */
  "answer",
] as const;

/** One of `WRITE_PHASES`. */
export type WritePhase = typeof WRITE_PHASES[number];

/** What one batch did, with what the consumer needs to commit. */
export interface BatchWritten {
  /** Chunks now fully stored (refused chunks are not among them). */
  readonly chunkIds: number[];
  readonly generation: number;
  readonly staged: number;
  readonly deadLettered: number;
  readonly replayed: number;
  /** Events of refused chunks: not written, not acknowledged. */
  readonly held: number;
  /** Values changed to be storable. */
  readonly fixed: number;
  readonly newProducts: number;
  readonly attempts: number;
  readonly writeMs: number;
  /** Wall-clock ms of this batch by phase, in `WRITE_PHASES` order. */
  readonly phaseMs: number[];
  /** Rows per latency bucket (same order as LATENCY_BUCKETS_MS, plus one for "more"). */
  readonly latencyCounts: number[];
  readonly latencySumMs: number;
}

/** The writer cannot finish an operation and keeps retrying it (sent on each failed attempt). */
export interface WriterStalled {
  readonly operation: string;
  /** What failed, for a human: the warehouse's error, or how long the attempt has been waiting. */
  readonly reason: string;
  /** When the operation first failed or went slow, epoch ms. */
  readonly sinceMs: number;
  /** Attempts made so far. */
  readonly attempts: number;
  /** When the next attempt starts, or null while an attempt is under way. */
  readonly retryInMs: number | null;
}

/** A stalled operation finished. */
export interface WriterResumed {
  readonly operation: string;
  readonly stalledMs: number;
  readonly attempts: number;
}

/** Why a chunk was refused. */
export type RefusalKind =
  /** Offsets between the watermark and the chunk were handed over but never stored. */
  | "gap"
  /** The group committed offsets the warehouse never stored. */
  | "committed_ahead"
  /** The partition's log ends below the watermark: it is not the log the watermark counts. */
  | "log_truncated"
  /** The topic's id is not the one the stored offsets came from. */
  | "topic_changed";

/** A refused chunk's partition, with what an operator needs to decide (see `partition_guard.ts`). */
export interface Refusal {
  readonly topic: string;
  readonly partition: number;
  readonly kind: RefusalKind;
  /** The watermark epoch and the highest offset stored in it. */
  readonly epoch: number;
  readonly storedOffset: number;
  /** The offset on the Kafka side that contradicts it (see `message`). */
  readonly kafkaOffset: number;
  /**
   * True when re-reading cannot help (the log or the commits are not what the warehouse holds):
   * the partition stops until an operator resets it. A gap heals by re-reading from the commit.
   */
  readonly halts: boolean;
  readonly message: string;
}

/** A chunk's partition that the writer refused, and the events it held back. */
export interface PartitionRefused extends Refusal {
  /** Events held back in this batch. */
  readonly held: number;
}

/** Checks writer init arguments. */
export const isWriterArgs = (v: unknown): v is WriterArgs =>
  isRecord(v) && typeof v.dataDir === "string" && isRecord(v.warehouse) &&
  (v.warehouse.stringCompression === undefined ||
    isStringCompression(v.warehouse.stringCompression)) &&
  (v.warehouse.memoryLimitMb === undefined ||
    (Number.isSafeInteger(v.warehouse.memoryLimitMb) && Number(v.warehouse.memoryLimitMb) > 0)) &&
  (v.warehouse.checkpointMb === undefined ||
    (Number.isSafeInteger(v.warehouse.checkpointMb) && Number(v.warehouse.checkpointMb) > 0)) &&
  (v.bigqueryEndpoint === null || typeof v.bigqueryEndpoint === "string") &&
  typeof v.requestTimeoutMs === "number" && isRecord(v.faults);

const isBatchWritten = (v: unknown): v is BatchWritten =>
  isRecord(v) && isNumberArray(v.chunkIds) && typeof v.staged === "number" &&
  typeof v.held === "number" && typeof v.fixed === "number" && isNumberArray(v.latencyCounts) &&
  isNumberArray(v.phaseMs) && v.phaseMs.length === WRITE_PHASES.length;
const isGeneration = (v: unknown): v is { generation: number } =>
  isRecord(v) && typeof v.generation === "number";
const isExportParquet = (v: unknown): v is { generation: number; target: ExportTarget } =>
  isRecord(v) && typeof v.generation === "number" && isExportTarget(v.target);
const isDimensionsTarget = (v: unknown): v is { dir: string } =>
  isRecord(v) && typeof v.dir === "string";
const isSealedList = (v: unknown): v is SealedGeneration[] =>
  Array.isArray(v) && v.every(isSealedGeneration);
const isNumber = (v: unknown): v is number => typeof v === "number";
const isDone = (v: unknown): v is true => v === true;
const isStalled = (v: unknown): v is WriterStalled =>
  isRecord(v) && typeof v.operation === "string" && typeof v.reason === "string" &&
  typeof v.sinceMs === "number" && typeof v.attempts === "number" &&
  (v.retryInMs === null || typeof v.retryInMs === "number");
const isResumed = (v: unknown): v is WriterResumed =>
  isRecord(v) && typeof v.operation === "string" && typeof v.stalledMs === "number" &&
  typeof v.attempts === "number";
const REFUSAL_KINDS: readonly unknown[] = [
  "gap",
  "committed_ahead",
  "log_truncated",
  "topic_changed",
] satisfies readonly RefusalKind[];
const isRefused = (v: unknown): v is PartitionRefused =>
  isRecord(v) && typeof v.topic === "string" && typeof v.partition === "number" &&
  REFUSAL_KINDS.includes(v.kind) && typeof v.storedOffset === "number" &&
  typeof v.kafkaOffset === "number" && typeof v.halts === "boolean" &&
  typeof v.message === "string" && typeof v.held === "number" && typeof v.epoch === "number";
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
    // The staging generations, for the exporter (each answers a value or a failure):
    /** The generation new rows go to. */
    "writer.currentGeneration": request(isEmpty, isAnswer(isNumber)),
    /** Rows in a live generation's staging table. */
    "writer.countStaging": request(isGeneration, isAnswer(isNumber)),
    /** Seals the open generation at this batch boundary; new rows go to the next one. */
    "writer.seal": request(isEmpty, isAnswer(isSealedGeneration)),
    /** Sealed generations not dropped yet, oldest first. */
    "writer.listSealed": request(isEmpty, isAnswer(isSealedList)),
    /** Writes a sealed generation's Parquet files to `target`; runs beside the writes. */
    "writer.exportParquet": request(isExportParquet, isAnswer(isDone)),
    /** Writes the user_agent and products snapshots into the folder `dir`; beside the writes. */
    "writer.exportDimensions": request(isDimensionsTarget, isAnswer(isDone)),
    "writer.recordExport": request(isExportRecord, isAnswer(isDone)),
    /** Drops a sealed generation the manifest shows exported with its row count. */
    "writer.dropGeneration": request(isGeneration, isAnswer(isDone)),
    "writer.uncrawled": request(isLimit, isProducts),
    "writer.mergeCrawl": request(isResults, isUpdated),
  },
  emits: {
    "writer.batchWritten": message(isBatchWritten),
    "writer.stalled": message(isStalled),
    "writer.resumed": message(isResumed),
    "writer.partitionRefused": message(isRefused),
  },
} as const;
