/**
 * The writer's transaction with its staging rows and watermarks rotated between attached shard
 * files, each checkpointed beside the writes, next to the pipeline's one file: for the
 * writer-alone bench (`bench -- duckdb --shards=2`) only, to measure what taking DuckDB's
 * checkpoints off the writer's serial chain would gain. Nothing in the pipeline uses it.
 *
 * Both ways use the writer's parts as `narrow_staging.ts` does: the main file made by
 * `DuckDBWarehouse` (dimension tables, the pipeline's narrow staging table), per batch the values
 * made storable (`storableBatch`), the staging columns filled into data chunks (`buildChunks`),
 * the dimension upserts on their own connection into the main file (`DimensionsAhead`), then one
 * transaction: plan (`planBatch`), chunks appended, dimensions awaited, watermarks moved
 * (`advanceWatermarks`), COMMIT; as the writer does, the next batch is prepared (and its upserts
 * started) while the COMMIT runs.
 *
 * - One file (`shards: 0`): staging and watermarks in the main file; DuckDB checkpoints inside
 *   whichever COMMIT takes the WAL past `checkpoint_threshold` (the writer's, or the upserts',
 *   which the writer then waits for).
 * - Shards (`shards: 2`): each shard file (`ATTACH ... AS s1`, `s2`) holds a staging table and a
 *   watermark table; DuckDB's automatic checkpoints are off (`checkpoint_threshold` 1TB for the
 *   instance). Batches go to the active shard; before a batch, once the active shard's WAL has
 *   passed the threshold, the writer switches to the next shard (waiting, timed, for that shard's
 *   checkpoint if it still runs) and a third connection runs `CHECKPOINT s<left>` beside the
 *   writes. The main file, which then only DuckDB's shutdown would checkpoint, is checkpointed by
 *   the same connection right after a shard's checkpoint once its WAL passed an eighth of the
 *   threshold (the upserts' COMMITs wait for that one; they hold few rows).
 */

import { type DuckDBConnection, type DuckDBDataChunk, DuckDBInstance } from "@duckdb/node-api";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import type { StringCompression } from "../../../messages/writer.ts";
import { processCpuMicros, threadCpuMicros } from "../../../observability/thread_cpu.ts";
import { planBatch } from "../batch_plan.ts";
import { NOTHING_STORED, type StoredPartition } from "../partition_guard.ts";
import { partitionKey } from "../replay_filter.ts";
import { storableBatch } from "../value_limits.ts";
import type { WarehouseBatch } from "../warehouse.ts";
import { withAppender } from "./appender_scope.ts";
import { appendChunks, buildChunks, recycleChunks } from "./column_chunks.ts";
import { DimensionsAhead, type DimensionsStored } from "./dimensions_ahead.ts";
import {
  advanceWatermarks,
  DuckDBWarehouse,
  instanceConfig,
  stringCompressionSql,
  WAREHOUSE_STORAGE_VERSION,
} from "./duckdb_warehouse.ts";
import { stagingDdl, stagingTable } from "./schema.ts";
import { stagingColumns } from "./staging_append.ts";
import { inTransaction } from "./transaction.ts";
import { walBytes } from "./wal_size.ts";

/** One run of the writer alone, one file or sharded. */
export interface ShardRun {
  /** Folder of the run's files (the main file `<name>.duckdb`, shards `<name>_s<i>.duckdb`). */
  readonly dir: string;
  readonly name: string;
  /** 0: the pipeline's one file; 2 or more: staging and watermarks rotated between shards. */
  readonly shards: number;
  readonly threads: number;
  readonly stringCompression: StringCompression;
  /** DuckDB's memory limit, e.g. "128MB" (the pipeline's). */
  readonly memoryLimit: string;
  /** WAL MB (DuckDB's MB: 10^6 bytes) at which one file checkpoints and a shard is left. */
  readonly thresholdMb: number;
}

/** Where a checkpoint ran. */
export type CheckpointSite = "commit" | "upserts" | "beside" | "main";

/** One checkpoint: where, its ms, and the WAL bytes it took (before it). */
export interface CheckpointFigure {
  readonly site: CheckpointSite;
  readonly ms: number;
  readonly walBytes: number;
}

/** What a run measured (wall ms unless said; the making of the rows is left out). */
export interface ShardFigures {
  rows: number;
  batches: number;
  /** Wall time over the batches, from the first prepare to the last COMMIT. */
  writeMs: number;
  /** Then waiting for the shard checkpoints still running. */
  drainMs: number;
  /** Then the final CHECKPOINT of every file (what no checkpoint took yet). */
  finalMs: number;
  /** Each batch's write: the wait for a shard's checkpoint, BEGIN to the end of its COMMIT. */
  batchMs: number[];
  /** The checkpoints during the writes and the drain (not the final ones). */
  checkpoints: CheckpointFigure[];
  /** At each switch of shard, the writer's wait for that shard's checkpoint to end. */
  rotationWaitMs: number[];
  /** Process CPU µs over the writes, and over the drain and the final checkpoints. */
  writeCpu: number;
  endCpu: number;
  /** CPU µs of this (JS) thread over the writes. */
  threadCpu: number;
  /** Bytes of every file after the final checkpoints. */
  fileBytes: number;
}

/** A batch ready for its transaction: its chunks built, its upserts started. */
interface Prepared {
  readonly rows: RowBatch;
  readonly batch: WarehouseBatch;
  readonly chunks: DuckDBDataChunk[];
  readonly upserts: Promise<DimensionsStored>;
}

const WATERMARK_DDL = `CREATE TABLE IF NOT EXISTS ingest_watermarks (
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    max_offset BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    epoch INTEGER DEFAULT 0,
    topic_id VARCHAR,
    PRIMARY KEY (topic, "partition"))`;

/** The file of shard `i` (1-based) of `run`. */
export const shardPath = (run: ShardRun, i: number) => `${run.dir}/${run.name}_s${i}.duckdb`;

/** The main file of `run`. */
export const mainPath = (run: ShardRun) => `${run.dir}/${run.name}.duckdb`;

const shardName = (i: number) => `s${i}`;

const bytesOf = (path: string) => walBytes(path) ?? 0;

async function fileSize(path: string): Promise<number> {
  try {
    return (await Deno.stat(path)).size;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw new Error(`Cannot read the size of ${path}`, { cause: error });
  }
}

/**
 * Writes every batch `next` gives (rows of one topic and partition, offsets rising) as `run`
 * says; `next` itself is left out of the figures.
 */
export async function writeSharded(
  run: ShardRun,
  next: () => RowBatch | undefined,
): Promise<ShardFigures> {
  if (run.shards === 1 || run.shards < 0 || !Number.isSafeInteger(run.shards)) {
    throw new RangeError(`Cannot rotate between ${run.shards} shards: give 0 (one file) or 2+`);
  }
  const main = mainPath(run);
  const made = new DuckDBWarehouse({
    path: main,
    threads: run.threads,
    stringCompression: run.stringCompression,
  });
  await made.open();
  await made.close();
  const sharded = run.shards > 0;
  const threshold = run.thresholdMb * 1_000_000;
  const instance = await DuckDBInstance.create(
    main,
    instanceConfig({
      path: main,
      threads: run.threads,
      memoryLimit: run.memoryLimit,
      // Sharded, no automatic checkpoint: the shards are checkpointed beside the writes.
      checkpointThreshold: sharded ? "1TB" : `${run.thresholdMb}MB`,
    }),
  );
  const writer = await instance.connect();
  const checkpointer = await instance.connect();
  const dimensions = new DimensionsAhead();
  await dimensions.open(instance, () => walBytes(main));
  const figures: ShardFigures = {
    rows: 0,
    batches: 0,
    writeMs: 0,
    drainMs: 0,
    finalMs: 0,
    batchMs: [],
    checkpoints: [],
    rotationWaitMs: [],
    writeCpu: 0,
    endCpu: 0,
    threadCpu: 0,
    fileBytes: 0,
  };
  try {
    await writer.run(stringCompressionSql(run.stringCompression));
    const mainName = String(
      (await writer.runAndReadAll("SELECT current_database()")).getRowsJS()[0]?.[0],
    );
    for (let i = 1; i <= run.shards; i++) {
      await writer.run(
        `ATTACH '${shardPath(run, i)}' AS ${shardName(i)} ` +
          `(STORAGE_VERSION '${WAREHOUSE_STORAGE_VERSION}')`,
      );
      await writer.run(`USE ${shardName(i)}`);
      await writer.run(stagingDdl(1));
      await writer.run(WATERMARK_DDL);
      await writer.run(`CHECKPOINT ${shardName(i)}`);
    }
    const rotation = sharded
      ? new Rotation(run, writer, checkpointer, mainName, threshold, figures)
      : undefined;
    await rotation?.use(1);
    const catalog = sharded ? undefined : mainName;
    const where = (active: number) => ({ schema: "main", catalog: catalog ?? shardName(active) });
    const stored = new Map<string, StoredPartition>();

    // The making of the rows (`next`) is left out of the wall time and the CPU.
    let untimedMs = 0;
    let untimedCpu = 0;
    const take = (): RowBatch | undefined => {
      const wall = performance.now();
      const cpu = threadCpuMicros();
      const rows = next();
      untimedCpu += threadCpuMicros() - cpu;
      untimedMs += performance.now() - wall;
      return rows;
    };
    const prepare = (rows: RowBatch): Prepared => {
      const now = Date.now();
      const batch: WarehouseBatch = { rows, deadLetters: [] };
      const storable = storableBatch(rows, []);
      const key = partitionKey(String(rows.columns[0]?.[0]), Number(rows.columns[1]?.[0]));
      const epoch = (stored.get(key) ?? NOTHING_STORED).epoch;
      const columns = stagingColumns(storable.rows, now, new Array(rows.rowCount).fill(epoch));
      return {
        rows,
        batch,
        chunks: buildChunks(columns, rows.rowCount),
        upserts: dimensions.of(batch, storable.rows, now),
      };
    };

    const wallStart = performance.now();
    const cpuStart = [processCpuMicros(), threadCpuMicros()] as const;
    const first = take();
    let current = first === undefined ? undefined : prepare(first);
    while (current !== undefined) {
      const upcoming = take();
      let ready: Prepared | undefined;
      const batchStart = performance.now();
      await rotation?.beforeBatch();
      let walBefore = 0;
      let commitStart = 0;
      const batch = current;
      const plan = await inTransaction(writer, async () => {
        const plan = planBatch(batch.batch, stored);
        if (plan.rows !== batch.rows) throw new Error("Cannot bench a batch with replayed rows");
        await withAppender(
          writer,
          stagingTable(1),
          (appender) => appendChunks(appender, batch.chunks),
          where(rotation?.active ?? 0),
        );
        const upserted = await batch.upserts;
        if (upserted.checkpointMs > 0) {
          figures.checkpoints.push({ site: "upserts", ms: upserted.checkpointMs, walBytes: 0 });
        }
        await advanceWatermarks(writer, plan.advanced);
        walBefore = sharded ? 0 : bytesOf(main);
        commitStart = performance.now();
        return plan;
      }, () => {
        if (upcoming !== undefined) ready = prepare(upcoming);
      });
      const end = performance.now();
      figures.batchMs.push(end - batchStart);
      if (!sharded && bytesOf(main) < walBefore) {
        figures.checkpoints.push({ site: "commit", ms: end - commitStart, walBytes: walBefore });
      }
      for (const w of plan.advanced) {
        stored.set(partitionKey(w.topic, w.partition), {
          epoch: w.epoch,
          maxOffset: w.maxOffset,
          topicId: w.topicId,
        });
      }
      recycleChunks(batch.chunks);
      figures.rows += batch.rows.rowCount;
      figures.batches++;
      current = ready ?? (upcoming === undefined ? undefined : prepare(upcoming));
    }
    figures.writeMs = performance.now() - wallStart - untimedMs;
    figures.writeCpu = processCpuMicros() - cpuStart[0] - untimedCpu;
    figures.threadCpu = threadCpuMicros() - cpuStart[1] - untimedCpu;

    const endStart = performance.now();
    const endCpu = processCpuMicros();
    await rotation?.drain();
    figures.drainMs = performance.now() - endStart;
    await dimensions.close();
    for (
      const name of [
        mainName,
        ...Array.from({ length: run.shards }, (_, i) => shardName(i + 1)),
      ]
    ) {
      await writer.run(`CHECKPOINT ${name}`);
    }
    figures.finalMs = performance.now() - endStart - figures.drainMs;
    figures.endCpu = processCpuMicros() - endCpu;
  } finally {
    await dimensions.close();
    checkpointer.closeSync();
    writer.closeSync();
    instance.closeSync();
  }
  for (
    const path of [
      main,
      ...Array.from({ length: run.shards }, (_, i) => shardPath(run, i + 1)),
    ]
  ) {
    figures.fileBytes += await fileSize(path);
  }
  return figures;
}

/** The active shard, the switch past the threshold, the checkpoints beside the writes. */
class Rotation {
  readonly #run: ShardRun;
  readonly #writer: DuckDBConnection;
  readonly #checkpointer: DuckDBConnection;
  readonly #mainName: string;
  readonly #threshold: number;
  readonly #figures: ShardFigures;
  /** Each shard's checkpoint under way, by shard number. */
  readonly #running = new Map<number, Promise<void>>();
  /** The checkpointer's queue: one checkpoint at a time. */
  #queue: Promise<void> = Promise.resolve();
  active = 1;

  constructor(
    run: ShardRun,
    writer: DuckDBConnection,
    checkpointer: DuckDBConnection,
    mainName: string,
    threshold: number,
    figures: ShardFigures,
  ) {
    this.#run = run;
    this.#writer = writer;
    this.#checkpointer = checkpointer;
    this.#mainName = mainName;
    this.#threshold = threshold;
    this.#figures = figures;
  }

  /** Makes shard `i` the writer's default database (its watermark table unqualified). */
  async use(i: number): Promise<void> {
    await this.#writer.run(`USE ${shardName(i)}`);
    this.active = i;
  }

  /** Before a batch: past the threshold, switches shard and checkpoints the one left. */
  async beforeBatch(): Promise<void> {
    const wal = bytesOf(shardPath(this.#run, this.active));
    if (wal < this.#threshold) return;
    const left = this.active;
    const next = left % this.#run.shards + 1;
    const waitStart = performance.now();
    await this.#running.get(next);
    this.#figures.rotationWaitMs.push(performance.now() - waitStart);
    this.#running.delete(next);
    await this.use(next);
    const done = this.#queue.then(() => this.#checkpoint(left, wal));
    // Awaited at the next switch to this shard or at the drain, which rethrow a failure.
    done.catch(() => undefined);
    this.#queue = done.catch(() => undefined);
    this.#running.set(left, done);
  }

  /** Waits for every checkpoint under way. */
  async drain(): Promise<void> {
    for (const running of this.#running.values()) await running;
    this.#running.clear();
  }

  async #checkpoint(shard: number, wal: number): Promise<void> {
    const start = performance.now();
    try {
      await this.#checkpointer.run(`CHECKPOINT ${shardName(shard)}`);
    } catch (error: unknown) {
      throw new Error(`Cannot checkpoint shard ${shardName(shard)} beside the writes`, {
        cause: error,
      });
    }
    this.#figures.checkpoints.push({
      site: "beside",
      ms: performance.now() - start,
      walBytes: wal,
    });
    const mainWal = bytesOf(mainPath(this.#run));
    if (mainWal < this.#threshold / 8) return;
    const mainStart = performance.now();
    await this.#checkpointer.run(`CHECKPOINT ${this.#mainName}`);
    this.#figures.checkpoints.push({
      site: "main",
      ms: performance.now() - mainStart,
      walBytes: mainWal,
    });
  }
}
