/**
 * One attempt at writing a batch to BigQuery, append-only: read in one snapshot the watermarks
 * and the generations' states (finishing seals left half done first), plan the batch (held back
 * partitions, replays), stream staging rows, dead letters and new dimension rows into the open
 * generation, stream one commit row per partition advanced, then check the generation was not
 * sealed under the commit; if it was and the seal does not cover it, the attempt failed (its rows
 * stay invisible) and is retried into the open generation.
 */

import type { BigQuery } from "@google-cloud/bigquery";
import type { DeadLetter, RowBatch } from "../../../messages/staging_columns.ts";
import { columnOf } from "../batch_columns.ts";
import { type BatchPlan, planBatch } from "../batch_plan.ts";
import type { FaultHook } from "../fault_hook.ts";
import type { StoredPartition } from "../partition_guard.ts";
import { partitionKey } from "../replay_filter.ts";
import { storableBatch } from "../value_limits.ts";
import type { WarehouseBatch, Watermark, WriteResult } from "../warehouse.ts";
import { int, query, str, strOrNull } from "./client.ts";
import type { KnownKeys } from "../known_keys.ts";
import { newProducts, newUserAgents } from "./dimensions.ts";
import * as generations from "./generations.ts";
import { encodeStagingRows, type StreamRow, timestamp } from "./row_encoding.ts";
import { stagingTable } from "./schema.ts";
import { streamRows } from "./stream_rows.ts";
import { writeStateSql } from "./visible_rows.ts";

/** What a batch write needs besides the batch. */
export interface BatchWriteContext {
  readonly client: BigQuery;
  readonly dataset: string;
  readonly userAgents: KnownKeys;
  readonly products: KnownKeys;
  readonly faults: FaultHook | undefined;
  /** Staging columns a generation's table lacks, made by an older version (see schema.ts). */
  readonly withheld: (generation: number) => ReadonlySet<string>;
}

/** A commit that landed in a generation sealed without it: the attempt must be made again. */
export class FencedCommitError extends Error {
  override name = "FencedCommitError";
}

/** Watermarks and generation state ranks, read at one instant. */
export interface WriteState {
  readonly watermarks: Map<string, StoredPartition & { topic: string; partition: number }>;
  readonly ranks: Map<number, number>;
}

/** Reads the write state, completing half-done seals first so the watermarks are exact. */
export async function readWriteState(client: BigQuery, dataset: string): Promise<WriteState> {
  for (let round = 0;; round++) {
    const watermarks: WriteState["watermarks"] = new Map();
    const ranks = new Map<number, number>();
    for (const r of await query(client, writeStateSql(dataset))) {
      if (str(r, "kind") === "generation") {
        ranks.set(int(r, "kafka_partition"), int(r, "epoch"));
        continue;
      }
      const topic = str(r, "topic");
      const partition = int(r, "kafka_partition");
      watermarks.set(partitionKey(topic, partition), {
        topic,
        partition,
        epoch: int(r, "epoch"),
        maxOffset: int(r, "max_offset"),
        topicId: strOrNull(r, "topic_id"),
      });
    }
    const sealing = [...ranks].filter(([, rank]) => rank === 2).map(([g]) => g);
    if (sealing.length === 0) return { watermarks, ranks };
    if (round >= 5) {
      throw new Error(`Cannot read the write state: generations ${sealing} stay half sealed`);
    }
    // Their commits count only once their seal is fixed: fix it, then read again.
    for (const generation of sealing) await generations.completeSeal(client, dataset, generation);
  }
}

/** Every partition's committed watermark in its current epoch. */
export async function readWatermarks(client: BigQuery, dataset: string): Promise<Watermark[]> {
  const state = await readWriteState(client, dataset);
  return [...state.watermarks.values()].map((w) => ({
    topic: w.topic,
    partition: w.partition,
    maxOffset: w.maxOffset,
    epoch: w.epoch,
    topicId: w.topicId,
  }));
}

function deadLetterRows(
  letters: readonly DeadLetter[],
  ingestedAtMs: number,
  epochOf: (d: DeadLetter) => number,
): StreamRow[] {
  return letters.map((d) => {
    const epoch = epochOf(d);
    return {
      insertId: `${d.topic}-${d.partition}-${epoch}-${d.offset}`,
      json: {
        topic: d.topic,
        kafka_partition: d.partition,
        kafka_offset: d.offset,
        kafka_timestamp_ms: d.kafkaTimestampMs,
        code: d.code,
        reason: d.reason,
        raw_base64: btoa(Array.from(d.raw, (b) => String.fromCharCode(b)).join("")),
        ingested_at: timestamp(ingestedAtMs),
        offset_epoch: epoch,
      },
    };
  });
}

/** Per partition, the lowest and highest offset a planned batch stores. */
function ranges(rows: RowBatch, letters: readonly DeadLetter[]) {
  const found = new Map<string, { topic: string; partition: number; from: number; to: number }>();
  const add = (topic: string, partition: number, offset: number) => {
    const key = partitionKey(topic, partition);
    const range = found.get(key);
    if (range === undefined) found.set(key, { topic, partition, from: offset, to: offset });
    else {
      range.from = Math.min(range.from, offset);
      range.to = Math.max(range.to, offset);
    }
  };
  const topics = columnOf(rows, "_topic");
  const partitions = columnOf(rows, "_partition");
  const offsets = columnOf(rows, "_offset");
  for (let row = 0; row < rows.rowCount; row++) {
    add(String(topics[row]), Number(partitions[row]), Number(offsets[row]));
  }
  for (const d of letters) add(d.topic, d.partition, d.offset);
  return [...found.values()];
}

/** The open generation in `state`, opening the next one when a seal left none open. */
async function openGeneration(context: BatchWriteContext, state: WriteState): Promise<number> {
  const found = generations.openIn(state.ranks);
  if (found !== undefined) return found;
  const next = Math.max(0, ...state.ranks.keys()) + 1;
  await generations.open(context.client, context.dataset, next);
  return next;
}

/** Fails the attempt when `generation` was sealed under its commit `batchId` without it. */
async function checkFence(
  context: BatchWriteContext,
  generation: number,
  batchId: string,
): Promise<void> {
  const { client, dataset } = context;
  const state = (await generations.states(client, dataset)).get(generation);
  if (state?.state === "open") return;
  if (state?.state === "sealing") await generations.completeSeal(client, dataset, generation);
  const settled = (await generations.states(client, dataset)).get(generation);
  if (settled?.covered.includes(batchId)) return;
  throw new FencedCommitError(
    `Batch ${batchId} committed into generation ${generation} after another process sealed it; ` +
      "its rows do not count and are written again into the open generation",
  );
}

/** Writes `batch` once; throws on any failure, leaving only invisible rows behind. */
export async function writeAttempt(
  context: BatchWriteContext,
  batch: WarehouseBatch,
  attempt: number,
): Promise<WriteResult & { readonly keys: { agents: string[]; products: string[] } }> {
  const { client, dataset, faults } = context;
  const state = await readWriteState(client, dataset);
  const generation = await openGeneration(context, state);
  const plan: BatchPlan = planBatch(batch, state.watermarks);
  const fresh = storableBatch(plan.rows, plan.deadLetters);
  const now = Date.now();
  const topics = columnOf(fresh.rows, "_topic");
  const partitions = columnOf(fresh.rows, "_partition");
  const epochs = topics.map((t, i) => plan.epochOf(String(t), Number(partitions[i])));
  const staging = encodeStagingRows(fresh.rows, now, epochs, context.withheld(generation));
  const [agents, products] = await Promise.all([
    newUserAgents(client, dataset, fresh.rows, context.userAgents, now),
    newProducts(client, dataset, fresh.rows, context.products),
  ]);
  await streamRows(client, dataset, stagingTable(generation), staging, () => {
    faults?.("staging-chunk-appended", attempt);
  });
  faults?.("staged", attempt);
  const epochOf = (d: DeadLetter) => plan.epochOf(d.topic, d.partition);
  await streamRows(
    client,
    dataset,
    "dead_letters",
    deadLetterRows(fresh.deadLetters, now, epochOf),
  );
  await streamRows(client, dataset, "user_agents", agents.rows);
  await streamRows(client, dataset, "product_catalog", products.rows);
  await faults?.("committing", attempt);
  const batchId = crypto.randomUUID();
  const advanced = new Map(plan.advanced.map((a) => [partitionKey(a.topic, a.partition), a]));
  const commits = ranges(fresh.rows, fresh.deadLetters).map((r) => {
    const epoch = plan.epochOf(r.topic, r.partition);
    return {
      insertId: `${generation}-${r.topic}-${r.partition}-${epoch}-${r.from}-${r.to}`,
      json: {
        generation,
        topic: r.topic,
        kafka_partition: r.partition,
        from_offset: r.from,
        to_offset: r.to,
        batch_id: batchId,
        committed_at: timestamp(Date.now()),
        epoch,
        topic_id: advanced.get(partitionKey(r.topic, r.partition))?.topicId ?? null,
      },
    };
  });
  if (commits.length > 0) {
    // One request: the commit rows of every partition land together (or, per row, not at all).
    await streamRows(client, dataset, "write_commits", commits);
    await checkFence(context, generation, batchId);
  }
  return {
    generation,
    staged: fresh.rows.rowCount,
    deadLettered: fresh.deadLetters.length,
    replayed: plan.replayed,
    held: plan.held,
    fixed: fresh.fixed,
    refusals: plan.refusals,
    acceptedChunkIds: plan.acceptedChunkIds,
    newUserAgents: agents.rows.length,
    newProducts: products.rows.length,
    attempts: attempt,
    keys: { agents: agents.keys, products: products.keys },
  };
}
