/**
 * The warehouse seam: the one narrow interface the writer, exporter and crawler use, implemented
 * by DuckDB (embedded) and BigQuery (at scale). Promises: a batch is one transaction, durable when
 * `writeBatch` resolves; replayed Kafka coordinates are a no-op, across staging generations too,
 * but only when they are really stored: a chunk whose log does not continue the stored
 * watermark is held back and reported; values a warehouse cannot store are made storable.
 */

import type { ChunkSpan } from "../../messages/chunk_position.ts";
import type { DeadLetter, RowBatch } from "../../messages/staging_columns.ts";
import type { CrawlResult, ProductToCrawl } from "../../messages/crawler.ts";
import type {
  ExportRecord,
  ExportTarget,
  SealedGeneration,
} from "../../messages/staging_generations.ts";
import type { Refusal } from "../../messages/writer.ts";
import type { PhaseClock } from "./phase_clock.ts";

/**
 * One batch as the warehouse stores it: rows unpacked into columns and dead letters; per
 * partition, offsets arrive in order without gaps.
 */
export interface WarehouseBatch {
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  /**
   * The chunks the rows and dead letters come from, in order, with their log positions; without
   * them (tools, benches) nothing is checked but replays.
   */
  readonly chunks?: readonly ChunkSpan[];
}

/** What one `writeBatch` stored. */
export interface WriteResult {
  /** Staging generation the rows went to. */
  readonly generation: number;
  /** Rows newly staged. */
  readonly staged: number;
  /** Dead letters newly stored. */
  readonly deadLettered: number;
  /** Rows and dead letters skipped as replays (offset at or below the partition's watermark). */
  readonly replayed: number;
  /** Rows and dead letters of refused chunks: neither written nor to be acknowledged. */
  readonly held: number;
  /** Cells and dead letters changed to be storable (see `value_limits.ts`). */
  readonly fixed: number;
  /** Partitions whose chunks were refused, and why. */
  readonly refusals: readonly Refusal[];
  /** Chunks fully stored (new or replayed), which the consumer may commit. */
  readonly acceptedChunkIds: readonly number[];
  /** User agents and products seen for the first time. */
  readonly newUserAgents: number;
  readonly newProducts: number;
  /** Attempts it took (1 when the first succeeded). */
  readonly attempts: number;
}

/** Highest offset of a partition durably stored (rows or dead letters) in its current epoch. */
export interface Watermark {
  readonly topic: string;
  readonly partition: number;
  readonly maxOffset: number;
  /** Watermark epoch: 0 until the partition is reset for a new log under the same name. */
  readonly epoch: number;
  /** Kafka topic id the offsets came from (null: not known). */
  readonly topicId: string | null;
}

/** What `resetPartition` did. */
export interface PartitionReset {
  readonly topic: string;
  readonly partition: number;
  /** The new epoch. */
  readonly epoch: number;
  /** The old epoch's watermark. */
  readonly previousMaxOffset: number;
  /** The first offset the new epoch stores. */
  readonly fromOffset: number;
}

/** The embedded or cloud warehouse behind the writer, exporter and crawler. */
export interface Warehouse {
  /** Creates the schema idempotently and loads state; call once before anything else. */
  open(): Promise<void>;
  /**
   * What an open under way is busy with when it can say (a DuckDB open parsing its user-agent
   * dimension again after a parser upgrade), for the writer's stall report; else undefined.
   */
  openStep?(): string | undefined;
  /** Releases the connection; pending operations finish first. */
  close(): Promise<void>;
  /**
   * Stores a batch in one transaction: new rows to the current staging generation (stamped with
   * `_ingested_at`), dead letters, new user agents and products, and the partition watermarks.
   * New user agents and products may commit just before, in a transaction of their own (DuckDB:
   * `dimensions_ahead.ts`): stored once whatever happens to the batch, never after it.
   * Retries failures with backoff; a lasting failure rejects with `WarehouseUnavailableError`.
   * A cell of the wrong type rejects with `TypeError` (a bug upstream, not retried).
   * `whileCommitting` (which must not throw) is called on the caller's thread while the commit
   * runs elsewhere, if the warehouse has such a wait (DuckDB); the writer prepares its next batch
   * there. `phases`, when given, is lapped at each step (see `PhaseClock`).
   */
  writeBatch(
    batch: WarehouseBatch,
    whileCommitting?: () => void,
    phases?: PhaseClock,
  ): Promise<WriteResult>;
  /**
   * Does the work on a batch that needs no connection (DuckDB: storable values, built data
   * chunks), so it can run while the batch before it commits; returns what to hand to
   * `writeBatch`, which stores it exactly as it would have stored `batch`.
   */
  prepareBatch(batch: WarehouseBatch): WarehouseBatch;
  /** Every partition's watermark. */
  watermarks(): Promise<Watermark[]>;
  /**
   * Starts a new watermark epoch for a partition whose log was replaced (a recreated topic,
   * another cluster): from now on offsets from `fromOffset` on are new, stamped with the new
   * epoch; the old epoch's rows stay as they are. Recorded with `reason`.
   */
  resetPartition(
    topic: string,
    partition: number,
    fromOffset: number,
    reason: string,
  ): Promise<PartitionReset>;
  /** The generation new rows go to. */
  currentGeneration(): Promise<number>;
  /** Seals the current generation between batches; new rows go to the next one. */
  sealGeneration(): Promise<SealedGeneration>;
  /** Sealed generations not dropped yet, oldest first (to resume an interrupted export). */
  sealedGenerations(): Promise<SealedGeneration[]>;
  /** Rows in a generation's staging table; `RangeError` for an unknown or dropped one. */
  stagingCount(generation: number): Promise<number>;
  /**
   * Writes a sealed generation as ZSTD Parquet to `target`, in Hive partitions by event date
   * (`dt=YYYY-MM-DD/part-g<N>-<i>.parquet`), replacing what was there: to a local folder, or (a
   * warehouse that can, BigQuery) straight to a `gs://` prefix; `RangeError` for a target it
   * cannot write. Runs beside the other operations: it reads a sealed generation only, so
   * batches are written meanwhile.
   */
  exportParquet(generation: number, target: ExportTarget): Promise<void>;
  /**
   * Writes the dimensions as the `user_agent` and `products` views answer now, as
   * `user_agent.parquet` and `products.parquet` in the local folder `dir` (replaced): the
   * snapshots each export publishes beside Bronze. Runs beside the other operations.
   */
  exportDimensions(dir: string): Promise<void>;
  /** Records (or replaces) a generation's entry in the export manifest. */
  recordExport(record: ExportRecord): Promise<void>;
  /** The export manifest, by generation. */
  exportManifest(): Promise<ExportRecord[]>;
  /**
   * Drops a sealed generation whose manifest entry matches its row count; a no-op when already
   * dropped. Refuses (`RangeError`) the open generation or one without a matching export.
   */
  dropGeneration(generation: number): Promise<void>;
  /** Up to `limit` uncrawled products, first seen first. */
  uncrawledProducts(limit: number): Promise<ProductToCrawl[]>;
  /** Merges crawl outcomes into the catalog; returns how many products it updated. */
  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number>;
}

/** The warehouse kept failing past the retry budget: stop acking until it recovers. */
export class WarehouseUnavailableError extends Error {
  /** Attempts made before giving up. */
  readonly attempts: number;

  /** Wraps the last failure as `cause`. */
  constructor(operation: string, attempts: number, cause: unknown) {
    const why = cause instanceof Error ? cause.message : String(cause);
    super(`Cannot ${operation}: warehouse failed ${attempts} times, last: ${why}`, { cause });
    this.name = "WarehouseUnavailableError";
    this.attempts = attempts;
  }
}
