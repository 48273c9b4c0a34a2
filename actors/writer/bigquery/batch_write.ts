/**
 * One attempt at writing a batch to BigQuery, append-only: read the committed watermarks, drop
 * replays, stream staging rows, dead letters and new dimension rows, then stream one commit row
 * per partition advanced. Nothing is visible before its commit row (see `visible_rows.ts`).
 */

import type { BigQuery } from "@google-cloud/bigquery";
import type { DeadLetter, RowBatch } from "../../../messages/staging_columns.ts";
import { columnOf } from "../batch_columns.ts";
import type { FaultHook } from "../fault_hook.ts";
import { filterReplays, partitionKey } from "../replay_filter.ts";
import type { Watermark, WriteBatch, WriteResult } from "../warehouse.ts";
import { int, query, str } from "./client.ts";
import { type KnownKeys, newProducts, newUserAgents } from "./dimensions.ts";
import { encodeStagingRows, type StreamRow, timestamp } from "./row_encoding.ts";
import { stagingTable } from "./schema.ts";
import { watermarksSql } from "./visible_rows.ts";

/** Rows per insertAll request (BigQuery recommends about 500). */
export const INSERT_CHUNK_ROWS = 500;

/** What a batch write needs besides the batch. */
export interface BatchWriteContext {
  readonly client: BigQuery;
  readonly dataset: string;
  readonly generation: number;
  readonly userAgents: KnownKeys;
  readonly products: KnownKeys;
  readonly faults: FaultHook | undefined;
  /** Staging columns the open generation's table lacks (see `upgradeGenerations`). */
  readonly withheld: ReadonlySet<string>;
}

/** Streams `rows` to `table` in requests of `INSERT_CHUNK_ROWS`; `afterChunk` runs after each. */
export async function streamRows(
  client: BigQuery,
  dataset: string,
  table: string,
  rows: readonly StreamRow[],
  afterChunk?: () => void,
): Promise<void> {
  for (let start = 0; start < rows.length; start += INSERT_CHUNK_ROWS) {
    const chunk = rows.slice(start, start + INSERT_CHUNK_ROWS);
    await client.dataset(dataset).table(table).insert([...chunk], {
      raw: true,
      skipInvalidRows: false,
      ignoreUnknownValues: false,
    });
    afterChunk?.();
  }
}

/** Every partition's committed watermark. */
export async function readWatermarks(client: BigQuery, dataset: string): Promise<Watermark[]> {
  return (await query(client, watermarksSql(dataset))).map((r) => ({
    topic: str(r, "topic"),
    partition: int(r, "kafka_partition"),
    maxOffset: int(r, "max_offset"),
  }));
}

function deadLetterRows(letters: readonly DeadLetter[], ingestedAtMs: number): StreamRow[] {
  return letters.map((d) => ({
    insertId: `${d.topic}-${d.partition}-${d.offset}`,
    json: {
      topic: d.topic,
      kafka_partition: d.partition,
      kafka_offset: d.offset,
      kafka_timestamp_ms: d.kafkaTimestampMs,
      code: d.code,
      reason: d.reason,
      raw_base64: btoa(Array.from(d.raw, (b) => String.fromCharCode(b)).join("")),
      ingested_at: timestamp(ingestedAtMs),
    },
  }));
}

/** Per partition, the lowest and highest offset a filtered batch carries. */
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

/** Writes `batch` once; throws on any failure, leaving only invisible rows behind. */
export async function writeAttempt(
  context: BatchWriteContext,
  batch: WriteBatch,
  attempt: number,
): Promise<WriteResult & { readonly keys: { agents: string[]; products: string[] } }> {
  const { client, dataset, generation, faults } = context;
  const stored = new Map<string, number>();
  for (const w of await readWatermarks(client, dataset)) {
    stored.set(partitionKey(w.topic, w.partition), w.maxOffset);
  }
  const fresh = filterReplays(batch.rows, batch.deadLetters, stored);
  const now = Date.now();
  const staging = encodeStagingRows(fresh.rows, now, context.withheld);
  const [agents, products] = await Promise.all([
    newUserAgents(client, dataset, fresh.rows, context.userAgents, now),
    newProducts(client, dataset, fresh.rows, context.products),
  ]);
  await streamRows(client, dataset, stagingTable(generation), staging, () => {
    faults?.("staging-chunk-appended", attempt);
  });
  faults?.("staged", attempt);
  await streamRows(client, dataset, "dead_letters", deadLetterRows(fresh.deadLetters, now));
  await streamRows(client, dataset, "user_agents", agents.rows);
  await streamRows(client, dataset, "products", products.rows);
  faults?.("committing", attempt);
  const batchId = crypto.randomUUID();
  const commits = ranges(fresh.rows, fresh.deadLetters).map((r) => ({
    insertId: `${generation}-${r.topic}-${r.partition}-${r.from}-${r.to}`,
    json: {
      generation,
      topic: r.topic,
      kafka_partition: r.partition,
      from_offset: r.from,
      to_offset: r.to,
      batch_id: batchId,
      committed_at: timestamp(Date.now()),
    },
  }));
  // One request: the commit rows of every partition land together (or, per row, not at all).
  await streamRows(client, dataset, "write_commits", commits);
  return {
    generation,
    staged: fresh.rows.rowCount,
    deadLettered: fresh.deadLetters.length,
    replayed: fresh.replayed,
    newUserAgents: agents.rows.length,
    newProducts: products.rows.length,
    attempts: attempt,
    keys: { agents: agents.keys, products: products.keys },
  };
}
