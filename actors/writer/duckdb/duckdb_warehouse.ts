/**
 * The embedded warehouse: a DuckDB file behind the `Warehouse` interface. Operations run one at a
 * time on one connection; a batch is one transaction (partition checks and watermark dedupe,
 * storable values, columnar staging append, dead letters, watermarks), retried with backoff,
 * durable when it resolves. A batch's values and data chunks can be prepared before its
 * transaction (`prepareBatch`, while the batch before commits), which also starts its dimension
 * upserts on a connection of their own, committed before the batch (`dimensions_ahead.ts`); the
 * watermarks are read once and then kept as batches commit, this warehouse being their only
 * writer.
 */

import { type DuckDBConnection, DuckDBInstance, type JS } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";
import type { FaultHook } from "../fault_hook.ts";
import { type PartitionAdvance, planBatch } from "../batch_plan.ts";
import type { StoredPartition } from "../partition_guard.ts";
import { partitionKey } from "../replay_filter.ts";
import { DEFAULT_RETRY, type RetryPolicy, withRetry } from "../retry.ts";
import { type StorableBatch, storableBatch } from "../value_limits.ts";
import type {
  PartitionReset,
  Warehouse,
  WarehouseBatch,
  Watermark,
  WriteResult,
} from "../warehouse.ts";
import { columnOf } from "../batch_columns.ts";
import { mergeCrawls, uncrawled } from "./catalog.ts";
import { DimensionsAhead } from "./dimensions_ahead.ts";
import * as generations from "./generations.ts";
import { exportParquet } from "./parquet_export.ts";
import { sqlString } from "../sql_string.ts";
import { exportDimensions } from "./dimension_export.ts";
import { createSchema } from "./schema.ts";
import { appendDeadLetters, appendStaging, appendStagingChunks } from "./staging_append.ts";
import { PreparedBatch } from "./prepared_batch.ts";
import { upgradeStagingTables } from "./staging_upgrade.ts";
import { reparseUserAgents } from "./user_agent_reparse.ts";
import { inTransaction } from "./transaction.ts";
import { walBytes } from "./wal_size.ts";
import { PhaseClock } from "../phase_clock.ts";
import type { CrawlResult, ProductToCrawl } from "../../../messages/crawler.ts";
import { DUCKDB_CHECKPOINT_MB, type StringCompression } from "../../../messages/writer.ts";
import type {
  ExportRecord,
  ExportTarget,
  SealedGeneration,
} from "../../../messages/staging_generations.ts";

/** Options of the DuckDB warehouse. */
export interface DuckDBWarehouseOptions {
  /** Database file (`:memory:` for throwaway use). */
  readonly path: string;
  /** Retry budget of one operation (default `DEFAULT_RETRY`). */
  readonly retry?: RetryPolicy;
  /** DuckDB worker threads (default 1: the pipeline shares two cores). */
  readonly threads?: number;
  /** WAL size that triggers a checkpoint (default `DUCKDB_CHECKPOINT_MB`). */
  readonly checkpointThreshold?: string;
  /** DuckDB's buffer memory limit (default "512MB"). */
  readonly memoryLimit?: string;
  /**
   * DuckDB's buffer memory limit while an export's COPY runs (default "512MB"): a COPY partitioned
   * by date keeps a row group of every open date in memory (about 9 MB per date per 32k rows of
   * nested events), which 128MB could not hold for 200,000 events over two weeks.
   */
  readonly exportMemoryLimit?: string;
  /**
   * How text is stored at checkpoints (default "auto": DuckDB's dictionary and FSST compression;
   * "off": as it is). See `stringCompressionSql`.
   */
  readonly stringCompression?: StringCompression;
  /** Test switch for injected failures. */
  readonly faults?: FaultHook;
}

/**
 * The statement that sets how DuckDB stores text at its checkpoints. With "off", dictionary, FSST
 * and dict_fsst compression are disabled: a checkpoint then copies staged text as it is. That
 * pays only in a file in DuckDB's v1.0.0 format (made by an earlier version), where analysing
 * and compressing each segment was most of a checkpoint's CPU (`bench -- duckdb`: 8.5 against
 * 10.4 µs per row in all; `bench -- ingest`: p99 latency 2 s → 0.9 s; the file 880 against 240
 * bytes per event); in `WAREHOUSE_STORAGE_VERSION`'s format dict_fsst costs about the same as no
 * compression (docs/OPERATIONS.md). Numbers keep their (cheap) compression. Set
 * per instance, so it never changes a database another process opens; files written either way
 * read the same (docs/OPERATIONS.md, "DuckDB's WAL and checkpoints").
 */
export function stringCompressionSql(mode: StringCompression): string {
  return `SET disabled_compression_methods = '${
    mode === "off" ? "fsst,dictionary,dict_fsst" : ""
  }'`;
}

/**
 * The storage format of a warehouse file this code creates (DuckDB 1.5's; an existing file keeps
 * the format it was created with). DuckDB's default for a new file is v1.0.0's, which compresses
 * text with its older dictionary and FSST methods; from v1.3.0's on it uses `dict_fsst` (a
 * dictionary whose entries are FSST-compressed), which in a checkpoint costs about what storing
 * the text as it is costs and takes less disk than the older methods (`bench -- duckdb`,
 * docs/OPERATIONS.md "DuckDB's WAL and checkpoints"). Files in it need DuckDB 1.5 or later to
 * read: the pipeline and `transform/` both pin 1.5.5.
 */
export const WAREHOUSE_STORAGE_VERSION = "v1.5.0";

/**
 * The DuckDB instance settings of a warehouse with `options` (the writer-alone bench opens its
 * narrowed staging file with the same ones).
 */
export function instanceConfig(options: DuckDBWarehouseOptions): Record<string, string> {
  return {
    threads: String(options.threads ?? 1),
    checkpoint_threshold: options.checkpointThreshold ?? `${DUCKDB_CHECKPOINT_MB}MB`,
    storage_compatibility_version: WAREHOUSE_STORAGE_VERSION,
    // DuckDB's default is 80% of RAM; the pipeline shares the machine with Kafka.
    memory_limit: options.memoryLimit ?? "512MB",
  };
}

const log = getLogger("writer");
const NO_ROWS = { rowCount: 0, columns: [] };

/** DuckDB implementation of `Warehouse`. */
export class DuckDBWarehouse implements Warehouse {
  readonly #options: DuckDBWarehouseOptions;
  readonly #dimensions = new DimensionsAhead();
  #instance: DuckDBInstance | undefined;
  #connection: DuckDBConnection | undefined;
  #generation = 0;
  /** Watermarks as committed, by partition key (undefined: read them at the next write). */
  #stored: Map<string, StoredPartition> | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  /** Operations running beside the queue (exports), which `close` waits for. */
  readonly #besides = new Set<Promise<void>>();
  /** What the open under way is busy with, when it can say (`openStep`). */
  #openStep: string | undefined;

  /** Creates the warehouse; nothing is opened until `open()`. */
  constructor(options: DuckDBWarehouseOptions) {
    this.#options = options;
  }

  /** Runs `operation` after every earlier one (one connection, one transaction at a time). */
  #serial<T>(operation: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#connection === undefined) {
        throw new Error(`Cannot use the warehouse at ${this.#options.path}: it is not open`);
      }
      return operation(this.#connection);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async open(): Promise<void> {
    if (this.#connection !== undefined) return;
    const { path } = this.#options;
    try {
      this.#instance = await DuckDBInstance.create(path, instanceConfig(this.#options));
    } catch (error: unknown) {
      throw new Error(`Cannot open warehouse ${path}`, { cause: error });
    }
    this.#connection = await this.#instance.connect();
    try {
      await this.#prepare(this.#connection, this.#instance);
    } catch (error: unknown) {
      // Closed again, so that the writer's next attempt (`untilDone`) opens it from the start
      // instead of finding a connection and skipping what failed.
      await this.close();
      throw error;
    }
    log.info("WriterWarehouseOpened", { path, generation: this.#generation });
  }

  /** Everything an open does once connected: schema, upgrades, the dimension's re-parse. */
  async #prepare(connection: DuckDBConnection, instance: DuckDBInstance): Promise<void> {
    await this.#dimensions.open(instance, () => walBytes(this.#options.path));
    await connection.run(stringCompressionSql(this.#options.stringCompression ?? "auto"));
    this.#stored = undefined;
    const open = await createSchema(connection);
    this.#generation = await inTransaction(
      connection,
      () => upgradeStagingTables(connection, open),
    );
    // Before any batch: narrow rows read their UA fields from the dimension.
    try {
      await reparseUserAgents(connection, {
        onBegin: (agents) => {
          this.#openStep = `parsing the ${agents} user agents of its dimension again for a new ` +
            "parser version (WriterUserAgentsReparsing; about a minute per million on 2 cores)";
        },
      });
    } finally {
      this.#openStep = undefined;
    }
  }

  openStep(): string | undefined {
    return this.#openStep;
  }

  async close(): Promise<void> {
    await this.#queue;
    await Promise.all(this.#besides);
    await this.#dimensions.close();
    this.#connection?.closeSync();
    this.#instance?.closeSync();
    this.#connection = undefined;
    this.#instance = undefined;
  }

  writeBatch(
    batch: WarehouseBatch,
    whileCommitting?: () => void,
    phases: PhaseClock = new PhaseClock(),
  ): Promise<WriteResult> {
    const policy = this.#options.retry ?? DEFAULT_RETRY;
    return this.#serial(async (connection) => {
      const result = await withRetry(
        "write batch",
        policy,
        (attempt) => this.#write(connection, batch, attempt, whileCommitting, phases),
      );
      // Kept through failed attempts (each appends them again); done with once committed.
      if (batch instanceof PreparedBatch) batch.release();
      return result;
    });
  }

  /**
   * Makes `batch` storable and builds its staging chunks now, with no connection (the writer does
   * it while the batch before commits); `writeBatch` of the result appends them when its plan keeps
   * every row (see `PreparedBatch`).
   */
  prepareBatch(batch: WarehouseBatch): WarehouseBatch {
    const prepared = new PreparedBatch(batch, this.#stored ?? new Map(), Date.now());
    // Awaited (and started again after a failure) by the batch's write.
    this.#dimensions.of(prepared, prepared.storable.rows, prepared.ingestedAtMs);
    return prepared;
  }

  /** The stored watermarks: read once, then kept as each batch commits (this is the one writer). */
  async #storedOf(connection: DuckDBConnection): Promise<Map<string, StoredPartition>> {
    if (this.#stored !== undefined) return this.#stored;
    const stored = new Map<string, StoredPartition>();
    for (const w of await watermarksOf(connection)) {
      stored.set(partitionKey(w.topic, w.partition), w);
    }
    this.#stored = stored;
    return stored;
  }

  /** Drops the watermark cache when `work` fails: a failed COMMIT leaves it unsure. */
  async #forgetOnFailure<T>(work: Promise<T>): Promise<T> {
    try {
      return await work;
    } catch (error: unknown) {
      this.#stored = undefined;
      throw error;
    }
  }

  async #write(
    connection: DuckDBConnection,
    batch: WarehouseBatch,
    attempt: number,
    whileCommitting: (() => void) | undefined,
    phases: PhaseClock,
  ) {
    const faults = this.#options.faults;
    const generation = this.#generation;
    const prepared = batch instanceof PreparedBatch ? batch : undefined;
    const afterChunk = () => faults?.("staging-chunk-appended", attempt);
    const stored = await this.#storedOf(connection);
    let walBefore: number | undefined;
    let commitMs = 0;
    const duringCommit = () => {
      commitMs += phases.lap("commit");
      whileCommitting?.();
      phases.lap("prepareInCommit");
    };
    const outcome = await this.#forgetOnFailure(inTransaction(connection, async () => {
      phases.lap("begin");
      const plan = planBatch(batch, stored);
      const now = prepared?.ingestedAtMs ?? Date.now();
      const staging = prepared?.stagingFor(plan);
      let fresh: StorableBatch;
      if (prepared !== undefined && staging !== undefined) {
        const letters = storableBatch(NO_ROWS, plan.deadLetters);
        fresh = {
          ...letters,
          rows: prepared.storable.rows,
          fixed: prepared.storable.fixed + letters.fixed,
        };
        phases.lap("plan");
        await appendStagingChunks(connection, generation, staging, afterChunk);
      } else {
        fresh = storableBatch(plan.rows, plan.deadLetters);
        const topics = columnOf(fresh.rows, "_topic");
        const partitions = columnOf(fresh.rows, "_partition");
        const epochs = topics.map((t, i) => plan.epochOf(String(t), Number(partitions[i])));
        phases.lap("plan");
        await appendStaging(connection, generation, fresh.rows, now, epochs, afterChunk);
      }
      faults?.("staged", attempt);
      phases.lap("staging");
      await appendDeadLetters(
        connection,
        fresh.deadLetters,
        now,
        (d) => plan.epochOf(d.topic, d.partition),
      );
      phases.lap("deadLetters");
      // Started when the batch was prepared (beside the commit before); committed before this.
      const { agents, products, checkpointMs } = await this.#dimensions.of(batch, fresh.rows, now);
      // A checkpoint in the upserts' COMMIT is what the writer waited for (at most that long).
      phases.move("dimensions", "checkpoint", Math.min(phases.lap("dimensions"), checkpointMs));
      await advanceWatermarks(connection, plan.advanced);
      faults?.("committing", attempt);
      phases.lap("watermarks");
      walBefore = walBytes(this.#options.path);
      return { plan, fresh, agents, products };
    }, duringCommit));
    commitMs += phases.lap("commit");
    // DuckDB checkpoints inside the COMMIT that takes the WAL past its threshold, and empties it
    // (a large commit may skip the WAL and checkpoint at once); every write moves a watermark,
    // so a commit that did not checkpoint leaves a WAL behind. The WAL is read just before the
    // COMMIT: one emptied earlier (by the dimension upserts' COMMIT) is not this one's checkpoint.
    const walAfter = walBytes(this.#options.path);
    if (
      walAfter !== undefined && walBefore !== undefined && (walAfter < walBefore || walAfter === 0)
    ) {
      phases.move("commit", "checkpoint", commitMs);
    }
    for (const w of outcome.plan.advanced) {
      const key = partitionKey(w.topic, w.partition);
      const known = stored.get(key);
      stored.set(key, {
        epoch: known?.epoch ?? w.epoch,
        maxOffset: Math.max(known?.maxOffset ?? -1, w.maxOffset),
        topicId: known?.topicId ?? w.topicId,
      });
    }
    const { plan, fresh } = outcome;
    const result: WriteResult = {
      generation,
      staged: fresh.rows.rowCount,
      deadLettered: fresh.deadLetters.length,
      replayed: plan.replayed,
      held: plan.held,
      fixed: fresh.fixed,
      refusals: plan.refusals,
      acceptedChunkIds: plan.acceptedChunkIds,
      newUserAgents: outcome.agents.inserted,
      newProducts: outcome.products.inserted,
      attempts: attempt,
    };
    log.debug("WriterBatchCommitted", { ...result, refusals: plan.refusals.length });
    return result;
  }

  resetPartition(
    topic: string,
    partition: number,
    fromOffset: number,
    reason: string,
  ): Promise<PartitionReset> {
    return this.#serial((connection) => {
      this.#stored = undefined; // read again at the next write, whatever this transaction does
      return inTransaction(connection, async () => {
        const current = (await watermarksOf(connection)).find((w) =>
          w.topic === topic && w.partition === partition
        );
        const epoch = (current?.epoch ?? 0) + 1;
        const previous = current?.maxOffset ?? -1;
        await connection.run(
          `INSERT INTO watermark_resets VALUES ($1, $2, $3, $4, $5, $6, $7, now())`,
          [topic, partition, epoch, previous, current?.topicId ?? null, fromOffset, reason],
        );
        await connection.run(
          `INSERT INTO ingest_watermarks (topic, "partition", max_offset, updated_at, epoch, topic_id)
           VALUES ($1, $2, $3, now(), $4, NULL) ON CONFLICT DO UPDATE
           SET max_offset = excluded.max_offset, epoch = excluded.epoch, topic_id = NULL,
               updated_at = now()`,
          [topic, partition, fromOffset - 1, epoch],
        );
        log.info("WriterPartitionReset", { topic, partition, epoch, previous, fromOffset, reason });
        return { topic, partition, epoch, previousMaxOffset: previous, fromOffset };
      });
    });
  }

  watermarks(): Promise<Watermark[]> {
    return this.#serial(watermarksOf);
  }

  currentGeneration(): Promise<number> {
    return this.#serial(() => Promise.resolve(this.#generation));
  }

  sealGeneration(): Promise<SealedGeneration> {
    return this.#serial(async (connection) => {
      const sealed = await generations.seal(connection, this.#generation);
      this.#generation = sealed.generation + 1;
      log.info("WriterGenerationSealed", { ...sealed });
      return sealed;
    });
  }

  sealedGenerations(): Promise<SealedGeneration[]> {
    return this.#serial(generations.sealedGenerations);
  }

  stagingCount(generation: number): Promise<number> {
    return this.#serial((connection) => generations.stagingCount(connection, generation));
  }

  exportParquet(generation: number, target: ExportTarget): Promise<void> {
    if (target.kind !== "folder") {
      return Promise.reject(
        new RangeError(`DuckDB writes Parquet to a local folder, not to ${target.uri}`),
      );
    }
    return this.#beside((connection) =>
      this.#withExportMemory(connection, () => exportParquet(connection, generation, target.dir))
    );
  }

  exportDimensions(dir: string): Promise<void> {
    return this.#beside((connection) =>
      this.#withExportMemory(connection, () => exportDimensions(connection, dir))
    );
  }

  /** Exports under way, which hold DuckDB's memory limit at `exportMemoryLimit`. */
  #exporting = 0;

  /**
   * Runs `copy` with DuckDB's (instance-wide) memory limit raised to `exportMemoryLimit`, and puts
   * the ingestion limit back once no export runs: ingestion keeps the small cap (the process's
   * RSS), an export gets what a date-partitioned COPY needs.
   */
  async #withExportMemory<T>(connection: DuckDBConnection, copy: () => Promise<T>): Promise<T> {
    const raised = this.#options.exportMemoryLimit ?? "512MB";
    const normal = this.#options.memoryLimit ?? "512MB";
    this.#exporting++;
    try {
      await connection.run(`SET memory_limit = ${sqlString(raised)}`);
      return await copy();
    } finally {
      if (--this.#exporting === 0) {
        await connection.run(`SET memory_limit = ${sqlString(normal)}`);
      }
    }
  }

  /**
   * Runs `operation` on a connection of its own, beside the serial queue: a read of a sealed
   * generation that batches need not wait for (DuckDB runs both at once). `close` waits for it.
   */
  #beside<T>(operation: (connection: DuckDBConnection) => Promise<T>): Promise<T> {
    const instance = this.#instance;
    if (instance === undefined) {
      return Promise.reject(
        new Error(`Cannot use the warehouse at ${this.#options.path}: it is not open`),
      );
    }
    const run = (async () => {
      const connection = await instance.connect();
      try {
        return await operation(connection);
      } finally {
        connection.closeSync();
      }
    })();
    const settled: Promise<void> = run.then(() => {}, () => {}).finally(() =>
      this.#besides.delete(settled)
    );
    this.#besides.add(settled);
    return run;
  }

  recordExport(record: ExportRecord): Promise<void> {
    return this.#serial((connection) => generations.recordExport(connection, record));
  }

  exportManifest(): Promise<ExportRecord[]> {
    return this.#serial(generations.exportManifest);
  }

  dropGeneration(generation: number): Promise<void> {
    return this.#serial((connection) => generations.drop(connection, generation));
  }

  /** Runs a read-only diagnostic query (tests, status page) between operations. */
  query(sql: string): Promise<Record<string, JS>[]> {
    return this.#serial(async (connection) => {
      this.#stored = undefined; // the SQL may change watermarks: read them again
      return (await connection.runAndReadAll(sql)).getRowObjectsJS();
    });
  }

  uncrawledProducts(limit: number): Promise<ProductToCrawl[]> {
    return this.#serial((connection) => uncrawled(connection, limit));
  }

  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number> {
    return this.#serial((connection) => mergeCrawls(connection, results));
  }
}

/**
 * Moves the watermarks of a batch's partitions in one statement (one round trip to DuckDB's
 * thread, where a prepared statement per partition took two each); values are numbers and quoted
 * strings.
 */
export async function advanceWatermarks(
  connection: DuckDBConnection,
  advanced: readonly PartitionAdvance[],
): Promise<void> {
  if (advanced.length === 0) return;
  const int = (n: number) => {
    if (!Number.isSafeInteger(n)) throw new TypeError(`Cannot store watermark value ${n}`);
    return String(n);
  };
  const rows = advanced.map((w) =>
    `(${sqlString(w.topic)}, ${int(w.partition)}, ${int(w.maxOffset)}, now(), ${int(w.epoch)}, ${
      w.topicId === null ? "NULL" : sqlString(w.topicId)
    })`
  );
  await connection.run(
    `INSERT INTO ingest_watermarks (topic, "partition", max_offset, updated_at, epoch, topic_id)
     VALUES ${rows.join(", ")} ON CONFLICT DO UPDATE
     SET max_offset = greatest(max_offset, excluded.max_offset), updated_at = now(),
         topic_id = coalesce(ingest_watermarks.topic_id, excluded.topic_id)`,
  );
}

/** Reads every partition's watermark in its current epoch. */
async function watermarksOf(connection: DuckDBConnection): Promise<Watermark[]> {
  const reader = await connection.runAndReadAll(
    `SELECT topic, "partition", max_offset, coalesce(epoch, 0), topic_id
     FROM ingest_watermarks ORDER BY 1, 2`,
  );
  return reader.getRowsJS().map(([topic, partition, maxOffset, epoch, topicId]) => ({
    topic: String(topic),
    partition: Number(partition),
    maxOffset: Number(maxOffset),
    epoch: Number(epoch),
    topicId: topicId === null || topicId === undefined ? null : String(topicId),
  }));
}
