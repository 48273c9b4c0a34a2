/**
 * The writer's transaction over a staging table narrowed to some of its columns, for the
 * writer-alone bench (`bench -- duckdb --without=<group>`): what DuckDB's per-row work costs
 * without a group of columns. `DuckDBWarehouse.writeBatch` cannot skip columns (its chunks and
 * tables are the contract's), so this is the same path standalone, built from the same parts:
 * the file made by `DuckDBWarehouse` with its instance settings and string compression, its
 * staging table made again with the kept columns; per batch, the values made storable
 * (`storableBatch`), the staging columns (`stagingColumns`, packed views) filtered to the kept
 * ones and filled into data chunks (`buildChunks`), the dimension upserts on their own connection
 * (`DimensionsAhead`, over every column), then one transaction: plan (`planBatch`), chunks
 * appended (`appendStagingChunks`), dimensions awaited, watermarks moved (`advanceWatermarks`),
 * COMMIT. DuckDB checkpoints at its threshold as in the pipeline (a commit whose WAL shrank
 * counts as a checkpoint, as the warehouse counts it), and a final CHECKPOINT takes the rest, so
 * every row is checkpointed once. Unlike the writer, a batch is prepared before its transaction,
 * not during the COMMIT before it, so each phase is DuckDB's (or the JS thread's) alone.
 */

import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import type { StringCompression } from "../../../messages/writer.ts";
import { processCpuMicros, threadCpuMicros } from "../../../observability/thread_cpu.ts";
import { planBatch } from "../batch_plan.ts";
import { NOTHING_STORED, type StoredPartition } from "../partition_guard.ts";
import { partitionKey } from "../replay_filter.ts";
import { STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { storableBatch } from "../value_limits.ts";
import { buildChunks, recycleChunks } from "./column_chunks.ts";
import { DimensionsAhead } from "./dimensions_ahead.ts";
import {
  advanceWatermarks,
  DuckDBWarehouse,
  instanceConfig,
  stringCompressionSql,
} from "./duckdb_warehouse.ts";
import { stagingDdl } from "./schema.ts";
import { appendStagingChunks, stagingColumns } from "./staging_append.ts";
import { inTransaction } from "./transaction.ts";

/** A narrowed run: where, the warehouse's settings, the kept columns. */
export interface NarrowRun {
  /** Database file to create (must not exist). */
  readonly path: string;
  readonly threads: number;
  readonly stringCompression: StringCompression;
  /** DuckDB's memory limit while writing, e.g. "128MB" (the pipeline's). */
  readonly memoryLimit: string;
  /** The staging table's columns, in table order (`columnsWithout`). */
  readonly columns: readonly { name: string; type: TableColumnType }[];
}

/** Wall milliseconds by phase over a run, and what else it measured. */
export interface NarrowFigures {
  rows: number;
  batches: number;
  /** JS thread: values made storable, chunks filled. */
  prepareMs: number;
  /** BEGIN and the plan. */
  beginMs: number;
  /** The chunks appended and the appender flushed. */
  stagingMs: number;
  /** Waiting for the dimension upserts. */
  dimensionsMs: number;
  watermarksMs: number;
  /** COMMITs that did not checkpoint. */
  commitMs: number;
  /** COMMITs that checkpointed (the WAL shrank), and how many. */
  checkpointMs: number;
  checkpoints: number;
  /** The final CHECKPOINT (the rows no threshold checkpoint took). */
  finalCheckpointMs: number;
  /** WAL bytes the COMMITs that did not checkpoint added, and their rows. */
  walBytes: number;
  walRows: number;
  /** CPU µs of the process and of this (JS) thread over the batches and the final checkpoint. */
  processCpu: number;
  threadCpu: number;
  fileBytes: number;
}

function walSize(path: string): number {
  try {
    return Deno.statSync(`${path}.wal`).size;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw new Error(`Cannot read the size of ${path}.wal`, { cause: error });
  }
}

/** Makes the warehouse file as the pipeline does, then its staging table with `columns` only. */
async function createNarrowFile(run: NarrowRun): Promise<void> {
  const warehouse = new DuckDBWarehouse({
    path: run.path,
    threads: run.threads,
    stringCompression: run.stringCompression,
  });
  await warehouse.open();
  try {
    await warehouse.query("DROP VIEW IF EXISTS summary");
    await warehouse.query("DROP TABLE staging_g1");
    await warehouse.query(stagingDdl(1, run.columns));
    await warehouse.query("CHECKPOINT");
  } finally {
    await warehouse.close();
  }
}

/**
 * Writes every batch `next` gives (rows of one topic and partition, offsets rising) into a
 * narrowed staging table at `run.path`; `next` itself is left out of the figures.
 */
export async function writeNarrow(
  run: NarrowRun,
  next: () => RowBatch | undefined,
): Promise<NarrowFigures> {
  await createNarrowFile(run);
  const instance = await DuckDBInstance.create(
    run.path,
    instanceConfig({ path: run.path, threads: run.threads, memoryLimit: run.memoryLimit }),
  );
  const connection = await instance.connect();
  const dimensions = new DimensionsAhead();
  await dimensions.open(instance);
  await connection.run(stringCompressionSql(run.stringCompression));
  const keep = new Set(run.columns.map((c) => c.name));
  const stored = new Map<string, StoredPartition>();
  const figures: NarrowFigures = {
    rows: 0,
    batches: 0,
    prepareMs: 0,
    beginMs: 0,
    stagingMs: 0,
    dimensionsMs: 0,
    watermarksMs: 0,
    commitMs: 0,
    checkpointMs: 0,
    checkpoints: 0,
    finalCheckpointMs: 0,
    walBytes: 0,
    walRows: 0,
    processCpu: 0,
    threadCpu: 0,
    fileBytes: 0,
  };
  try {
    for (let rows = next(); rows !== undefined; rows = next()) {
      const cpu = [processCpuMicros(), threadCpuMicros()] as const;
      await writeOne(connection, dimensions, run.path, keep, stored, rows, figures);
      figures.processCpu += processCpuMicros() - cpu[0];
      figures.threadCpu += threadCpuMicros() - cpu[1];
    }
    const cpu = [processCpuMicros(), threadCpuMicros()] as const;
    const start = performance.now();
    await connection.run("CHECKPOINT");
    figures.finalCheckpointMs = performance.now() - start;
    figures.processCpu += processCpuMicros() - cpu[0];
    figures.threadCpu += threadCpuMicros() - cpu[1];
  } finally {
    await dimensions.close();
    connection.closeSync();
    instance.closeSync();
  }
  figures.fileBytes = (await Deno.stat(run.path)).size;
  return figures;
}

/** One batch: prepared, then its transaction (see the module doc). */
async function writeOne(
  connection: DuckDBConnection,
  dimensions: DimensionsAhead,
  path: string,
  keep: ReadonlySet<string>,
  stored: Map<string, StoredPartition>,
  rows: RowBatch,
  figures: NarrowFigures,
): Promise<void> {
  let last = performance.now();
  const lap = () => {
    const now = performance.now();
    const ms = now - last;
    last = now;
    return ms;
  };
  const now = Date.now();
  const batch = { rows, deadLetters: [] };
  const storable = storableBatch(rows, []);
  const key = (topic: unknown, partition: unknown) =>
    partitionKey(String(topic), Number(partition));
  // One topic and partition per bench batch, so one epoch for every row.
  const epoch = (stored.get(key(rows.columns[0]?.[0], rows.columns[1]?.[0])) ?? NOTHING_STORED)
    .epoch;
  const epochs = new Array(rows.rowCount).fill(epoch);
  const columns = stagingColumns(storable.rows, now, epochs, STAGING_TABLE_COLUMNS)
    .filter((column) => keep.has(column.name));
  const chunks = buildChunks(columns, rows.rowCount);
  const upserts = dimensions.of(batch, storable.rows, now);
  figures.prepareMs += lap();
  const walBefore = walSize(path);
  let commitStart = 0;
  const plan = await inTransaction(connection, async () => {
    const plan = planBatch(batch, stored);
    if (plan.rows !== rows) throw new Error("Cannot bench a batch with replayed rows");
    figures.beginMs += lap();
    await appendStagingChunks(connection, 1, chunks);
    figures.stagingMs += lap();
    await upserts;
    figures.dimensionsMs += lap();
    await advanceWatermarks(connection, plan.advanced);
    figures.watermarksMs += lap();
    commitStart = performance.now();
    return plan;
  });
  const commitMs = performance.now() - commitStart;
  const walAfter = walSize(path);
  if (walAfter < walBefore || walAfter === 0) {
    figures.checkpointMs += commitMs;
    figures.checkpoints++;
  } else {
    figures.commitMs += commitMs;
    figures.walBytes += walAfter - walBefore;
    figures.walRows += rows.rowCount;
  }
  for (const w of plan.advanced) {
    stored.set(partitionKey(w.topic, w.partition), {
      epoch: w.epoch,
      maxOffset: w.maxOffset,
      topicId: w.topicId,
    });
  }
  recycleChunks(chunks);
  figures.rows += rows.rowCount;
  figures.batches++;
}
