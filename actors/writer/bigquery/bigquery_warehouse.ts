/**
 * The at-scale warehouse: BigQuery behind the `Warehouse` interface, append-only. BigQuery has no
 * transaction spanning streaming inserts and refuses UPDATE/DELETE/MERGE on rows streamed in the
 * last ~30 minutes, so the no-loss, no-duplicate promise is built from appends alone:
 *
 * - A batch streams its rows (insertId = topic-partition-epoch-offset), dead letters and new
 *   dimension rows first, and then one commit row per partition: (generation, partition, epoch,
 *   from..to offset, batch id).
 * - Readers see only rows a valid commit covers, first copy per key (`visible_rows.ts`). A crash
 *   before the commit leaves invisible rows; the replay writes them again and commits them.
 * - Watermarks are max(to_offset) over the valid commits of the partition's current epoch, read
 *   on every attempt: replays at or below them are dropped before streaming. Real BigQuery also
 *   drops a repeated insertId within its dedupe window; the emulator ignores insertId, which the
 *   design does not rely on.
 * - Several processes share the open generation; sealing is fenced (`generations.ts`): a commit
 *   that lands after a seal never counts and is written again, so no seal or drop removes a row
 *   a writer acknowledged.
 * - Generations, partition epochs, the manifest and crawl outcomes are event rows resolved by
 *   query (latest or most advanced wins); dropping a generation deletes its table, never rows.
 */

import type { BigQuery } from "@google-cloud/bigquery";
import { getLogger } from "../../../observability/log.ts";
import type { FaultHook } from "../fault_hook.ts";
import { DEFAULT_RETRY, type RetryPolicy } from "../retry.ts";
import type {
  PartitionReset,
  Warehouse,
  WarehouseBatch,
  Watermark,
  WriteResult,
} from "../warehouse.ts";
import { readWatermarks, readWriteState, writeAttempt } from "./batch_write.ts";
import { mergeCrawls, uncrawled } from "./catalog.ts";
import { ClassifiedRetry, DEFAULT_QUOTA_RETRY, type WarehouseHealth } from "./classified_retry.ts";
import { type BigQueryTarget, createBigQuery, query, type Row } from "./client.ts";
import { KnownKeys } from "../known_keys.ts";
import * as generations from "./generations.ts";
import { exportDataServerSide } from "./export_data_sql.ts";
import { createSchema, missingStagingColumns, staleStagingColumns } from "./schema.ts";
import { adoptUnfencedSeals, upgradeStaging, upgradeTables } from "./dataset_upgrade.ts";
import { createViews } from "./views.ts";
import { timestamp } from "./row_encoding.ts";
import { streamRows } from "./stream_rows.ts";
import type { CrawlResult, ProductToCrawl } from "../../../messages/crawler.ts";
import type {
  ExportRecord,
  ExportTarget,
  SealedGeneration,
} from "../../../messages/staging_generations.ts";

/** Options of the BigQuery warehouse. */
export interface BigQueryWarehouseOptions extends BigQueryTarget {
  /** Retry budget for transient failures (default `DEFAULT_RETRY`). */
  readonly retry?: RetryPolicy;
  /** Retry budget for quota and rate-limit failures (default `DEFAULT_QUOTA_RETRY`). */
  readonly quotaRetry?: RetryPolicy;
  /** Test switch for injected failures. */
  readonly faults?: FaultHook;
}

const log = getLogger("writer");

/** BigQuery implementation of `Warehouse`. */
export class BigQueryWarehouse implements Warehouse {
  readonly #options: BigQueryWarehouseOptions;
  readonly #client: BigQuery;
  readonly #retry: ClassifiedRetry;
  readonly #userAgents = new KnownKeys();
  readonly #products = new KnownKeys();
  /** Staging columns the open generation's table lacks: made by an older version. */
  #withheld: ReadonlySet<string> = new Set();
  /** The generation `#withheld` describes (a newer one, made by this version, lacks nothing). */
  #withheldGeneration = 0;
  #generation = 0;
  #queue: Promise<unknown> = Promise.resolve();

  /** Creates the warehouse; nothing is contacted until `open()`. */
  constructor(options: BigQueryWarehouseOptions) {
    this.#options = options;
    this.#client = createBigQuery(options);
    this.#retry = new ClassifiedRetry({
      transient: options.retry ?? DEFAULT_RETRY,
      quota: options.quotaRetry ?? DEFAULT_QUOTA_RETRY,
    });
  }

  /** Healthy, degraded (retrying) or unhealthy (gave up; the last failure and its class). */
  get health(): WarehouseHealth {
    return this.#retry.health;
  }

  /** The dataset it writes to. */
  get dataset(): string {
    return this.#options.dataset;
  }

  get #dataset(): string {
    return this.#options.dataset;
  }

  /** Runs `operation` after every earlier one, with classified retries. */
  #serial<T>(name: string, operation: (attempt: number) => Promise<T>): Promise<T> {
    const run = this.#queue.then(() => {
      if (this.#generation === 0) {
        throw new Error(`Cannot ${name}: warehouse ${this.#options.dataset} is not open`);
      }
      return this.#retry.run(name, operation);
    });
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async open(): Promise<void> {
    if (this.#generation !== 0) return;
    const { projectId, location } = this.#options;
    await this.#retry.run("open warehouse", async () => {
      await createSchema(this.#client.dataset(this.#dataset), location);
      // A dataset an older version made gets this version's fields and fenced seals first.
      await upgradeTables(this.#client.dataset(this.#dataset));
      this.#generation = await generations.openGeneration(this.#client, this.#dataset);
      const stale = await staleStagingColumns(this.#client, this.#dataset, this.#generation);
      if (stale.length > 0) {
        // Typed values cannot stream into its STRING columns: it is exported as it is (read
        // again on export), and the typed columns start with the next generation.
        const sealed = await generations.seal(this.#client, this.#dataset, this.#generation);
        log.info("WriterGenerationSealedForRetype", { ...sealed, columns: stale });
        this.#generation = await generations.openGeneration(this.#client, this.#dataset);
      }
      this.#withheld = new Set(
        await missingStagingColumns(this.#client, this.#dataset, this.#generation),
      );
      this.#withheldGeneration = this.#generation;
      await upgradeStaging(this.#client, this.#dataset);
      await adoptUnfencedSeals(this.#client, this.#dataset);
      // After the upgrade: the views name columns (`_offset_epoch`) an older version's tables
      // have only once they are added.
      await createViews(this.#client, this.#dataset);
    });
    if (this.#withheld.size > 0) {
      log.info("WriterStagingColumnsWithheld", {
        generation: this.#generation,
        columns: [...this.#withheld],
      });
    }
    log.info("WriterWarehouseOpened", {
      warehouse: `bigquery:${projectId}.${this.#dataset}`,
      generation: this.#generation,
    });
  }

  async close(): Promise<void> {
    await this.#queue;
    this.#generation = 0;
  }

  /** Nothing to do ahead: rows are encoded per request, inside `writeBatch`. */
  prepareBatch(batch: WarehouseBatch): WarehouseBatch {
    return batch;
  }

  writeBatch(batch: WarehouseBatch): Promise<WriteResult> {
    return this.#serial("write batch", async (attempt) => {
      const { keys, ...result } = await writeAttempt(
        {
          client: this.#client,
          dataset: this.#dataset,
          userAgents: this.#userAgents,
          products: this.#products,
          faults: this.#options.faults,
          withheld: (generation) =>
            generation === this.#withheldGeneration ? this.#withheld : new Set(),
        },
        batch,
        attempt,
      );
      this.#generation = result.generation;
      this.#userAgents.addAll(keys.agents);
      this.#products.addAll(keys.products);
      log.debug("WriterBatchCommitted", { ...result, refusals: result.refusals.length });
      return result;
    });
  }

  resetPartition(
    topic: string,
    partition: number,
    fromOffset: number,
    reason: string,
  ): Promise<PartitionReset> {
    return this.#serial("reset a partition", async () => {
      const current = (await readWatermarks(this.#client, this.#dataset)).find((w) =>
        w.topic === topic && w.partition === partition
      );
      const epoch = (current?.epoch ?? 0) + 1;
      const previous = current?.maxOffset ?? -1;
      await streamRows(this.#client, this.#dataset, "partition_epochs", [{
        insertId: `${topic}-${partition}-${epoch}`,
        json: {
          topic,
          kafka_partition: partition,
          epoch,
          from_offset: fromOffset,
          previous_max_offset: previous,
          reason,
          at: timestamp(Date.now()),
        },
      }]);
      log.info("WriterPartitionReset", { topic, partition, epoch, previous, fromOffset, reason });
      return { topic, partition, epoch, previousMaxOffset: previous, fromOffset };
    });
  }

  watermarks(): Promise<Watermark[]> {
    return this.#serial("read watermarks", () => readWatermarks(this.#client, this.#dataset));
  }

  /** The open generation (other processes may have sealed the one this one wrote last). */
  currentGeneration(): Promise<number> {
    return this.#serial("read the generation", async () => {
      this.#generation = await generations.openGeneration(this.#client, this.#dataset);
      const stale = await staleStagingColumns(this.#client, this.#dataset, this.#generation);
      if (stale.length > 0) {
        // Typed values cannot stream into its STRING columns: it is exported as it is (read
        // again on export), and the typed columns start with the next generation.
        const sealed = await generations.seal(this.#client, this.#dataset, this.#generation);
        log.info("WriterGenerationSealedForRetype", { ...sealed, columns: stale });
        this.#generation = await generations.openGeneration(this.#client, this.#dataset);
      }
      await createViews(this.#client, this.#dataset);
      return this.#generation;
    });
  }

  sealGeneration(): Promise<SealedGeneration> {
    return this.#serial("seal generation", async () => {
      const state = await readWriteState(this.#client, this.#dataset);
      const open = generations.openIn(state.ranks) ??
        await generations.openGeneration(this.#client, this.#dataset);
      const sealed = await generations.seal(this.#client, this.#dataset, open);
      this.#generation = sealed.generation + 1;
      this.#withheld = new Set();
      log.info("WriterGenerationSealed", { ...sealed });
      return sealed;
    });
  }

  sealedGenerations(): Promise<SealedGeneration[]> {
    return this.#serial(
      "list sealed generations",
      () => generations.sealedGenerations(this.#client, this.#dataset),
    );
  }

  stagingCount(generation: number): Promise<number> {
    return this.#serial("count staging rows", async () => {
      const live = await generations.liveState(this.#client, this.#dataset, generation, "count");
      if (live.state === "sealing") {
        await generations.completeSeal(this.#client, this.#dataset, generation);
      }
      return await generations.committedCount(
        this.#client,
        this.#dataset,
        generation,
        live.state,
      );
    });
  }

  /**
   * Beside the serial queue (a sealed generation does not change): to a `gs://` target with
   * BigQuery's own EXPORT DATA, straight into the bucket; to a local folder by paging the rows out
   * and writing them with an in-memory DuckDB, loaded only then (the emulator runs no EXPORT DATA).
   */
  exportParquet(generation: number, target: ExportTarget): Promise<void> {
    if (this.#generation === 0) {
      return Promise.reject(
        new Error(`Cannot export parquet: warehouse ${this.#options.dataset} is not open`),
      );
    }
    return this.#retry.run("export parquet", async () => {
      const state = await generations.liveState(this.#client, this.#dataset, generation, "export");
      if (state.state !== "sealed") {
        throw new RangeError(`Cannot export generation ${generation}: it is ${state.state}`);
      }
      if (target.kind === "gcs") {
        const dates = await exportDataServerSide(
          this.#client,
          this.#dataset,
          generation,
          target.uri,
        );
        log.info("WriterGenerationExportedServerSide", { generation, dates: dates.length });
        return;
      }
      const client = await import("./parquet_export.ts");
      await client.exportParquet(this.#client, this.#dataset, generation, target.dir);
    });
  }

  /** Beside the serial queue: reads the views and writes them with an in-memory DuckDB. */
  exportDimensions(dir: string): Promise<void> {
    return this.#retry.run("export dimensions", async () => {
      const client = await import("./dimension_export.ts");
      await client.exportDimensions(this.#client, this.#dataset, dir);
    });
  }

  recordExport(record: ExportRecord): Promise<void> {
    return this.#serial(
      "record export",
      () => generations.recordExport(this.#client, this.#dataset, record),
    );
  }

  exportManifest(): Promise<ExportRecord[]> {
    return this.#serial(
      "read the export manifest",
      () => generations.exportManifest(this.#client, this.#dataset),
    );
  }

  dropGeneration(generation: number): Promise<void> {
    return this.#serial(
      "drop generation",
      () => generations.drop(this.#client, this.#dataset, generation),
    );
  }

  uncrawledProducts(limit: number): Promise<ProductToCrawl[]> {
    return this.#serial(
      "list uncrawled products",
      () => uncrawled(this.#client, this.#dataset, limit),
    );
  }

  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number> {
    return this.#serial(
      "merge crawl results",
      () => mergeCrawls(this.#client, this.#dataset, results),
    );
  }

  /** Runs a read-only diagnostic query (tests, status page) between operations. */
  query(sql: string): Promise<Row[]> {
    return this.#serial("run a query", () => query(this.#client, sql));
  }
}
