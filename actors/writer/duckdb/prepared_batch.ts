/**
 * A batch made ready for its DuckDB transaction before that transaction starts, with no
 * connection: its values made storable and its staging data chunks built (the writer's JS work,
 * done while DuckDB commits the batch before it). The chunks hold every row, under the epochs its
 * partitions had when it was prepared. The transaction appends them only when its own plan keeps
 * every row under those same epochs; otherwise (a replay, a refused chunk, a reset partition) it
 * writes from the plan as for an unprepared batch, so prepared chunks never carry a row the plan
 * dropped into any transaction.
 */

import type { DuckDBDataChunk } from "@duckdb/node-api";
import type { ChunkSpan } from "../../../messages/chunk_position.ts";
import type { DeadLetter, RowBatch } from "../../../messages/staging_columns.ts";
import type { BatchPlan } from "../batch_plan.ts";
import { columnOf } from "../batch_columns.ts";
import { NOTHING_STORED, type StoredPartition } from "../partition_guard.ts";
import { partitionKey } from "../replay_filter.ts";
import { type StorableBatch, storableBatch } from "../value_limits.ts";
import type { WarehouseBatch } from "../warehouse.ts";
import { buildChunks, recycleChunks } from "./column_chunks.ts";
import { stagingColumns } from "./staging_append.ts";

/** A partition of the batch and the watermark epoch its rows were stamped with. */
interface PredictedEpoch {
  readonly topic: string;
  readonly partition: number;
  readonly epoch: number;
}

/** A batch with its storable rows and built staging chunks (see the module doc). */
export class PreparedBatch implements WarehouseBatch {
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  readonly chunks?: readonly ChunkSpan[];
  /** Every row made storable (no dead letters: those are planned first, then made storable). */
  readonly storable: StorableBatch;
  /** When the rows were stamped `_ingested_at`, epoch ms. */
  readonly ingestedAtMs: number;
  #staging: readonly DuckDBDataChunk[];
  readonly #epochs: readonly PredictedEpoch[];

  /** Makes `batch` storable and builds its chunks under the epochs `stored` holds now. */
  constructor(
    batch: WarehouseBatch,
    stored: ReadonlyMap<string, StoredPartition>,
    ingestedAtMs: number,
  ) {
    this.rows = batch.rows;
    this.deadLetters = batch.deadLetters;
    if (batch.chunks !== undefined) this.chunks = batch.chunks;
    this.ingestedAtMs = ingestedAtMs;
    this.storable = storableBatch(batch.rows, []);
    const topics = columnOf(batch.rows, "_topic");
    const partitions = columnOf(batch.rows, "_partition");
    const seen = new Map<string, PredictedEpoch>();
    // Rows of one partition come in runs: the key is looked up once per run, not per row.
    let last: PredictedEpoch | undefined;
    const epochs = topics.map((cell, row) => {
      const topic = String(cell);
      const partition = Number(partitions[row]);
      if (last !== undefined && last.topic === topic && last.partition === partition) {
        return last.epoch;
      }
      const key = partitionKey(topic, partition);
      let known = seen.get(key);
      if (known === undefined) {
        known = { topic, partition, epoch: (stored.get(key) ?? NOTHING_STORED).epoch };
        seen.set(key, known);
      }
      last = known;
      return known.epoch;
    });
    this.#epochs = [...seen.values()];
    const columns = stagingColumns(this.storable.rows, ingestedAtMs, epochs);
    this.#staging = buildChunks(columns, batch.rows.rowCount);
  }

  /**
   * The staging chunks, when `plan` (made in the transaction) keeps every row of this batch under
   * the epochs they were built with; undefined when the plan must be written as it is instead.
   */
  stagingFor(plan: BatchPlan): readonly DuckDBDataChunk[] | undefined {
    if (plan.rows !== this.rows || this.#staging.length === 0) return undefined;
    const same = this.#epochs.every((p) => plan.epochOf(p.topic, p.partition) === p.epoch);
    return same ? this.#staging : undefined;
  }

  /**
   * Lets go of the chunks once the batch is committed: their strings and lists are freed now, the
   * chunks kept for the next batch's (`recycleChunks`), and a later write of this batch (a
   * replay) goes by its plan.
   */
  release(): void {
    recycleChunks(this.#staging);
    this.#staging = [];
  }
}
