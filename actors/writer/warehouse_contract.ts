/**
 * The contract every `Warehouse` implementation passes (DuckDB and BigQuery): one transaction
 * per batch (a batch's new dimension rows may commit just before it), replays are no-ops across
 * generations (only of offsets really stored: a chunk whose log does not continue the watermark is
 * held back), values either warehouse cannot store are made storable, dead letters and dimensions
 * stored exactly once, bounded retries, partitions reset to a new watermark epoch, generations
 * sealed, counted and dropped safely.
 */

import assert from "node:assert/strict";
import type { ChunkPosition, ChunkSpan } from "../../messages/chunk_position.ts";
import type { RowBatch } from "../../messages/staging_columns.ts";
import { columnIndex, columnOf } from "./batch_columns.ts";
import { FaultSwitch } from "./fault_hook.ts";
import type { RetryPolicy } from "./retry.ts";
import {
  concatBatches,
  sliceBatch,
  syntheticBatch,
  syntheticDeadLetter,
  USER_AGENT_ROW_COLUMNS,
  withoutUserAgent,
} from "./testing.ts";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Warehouse, WarehouseUnavailableError } from "./warehouse.ts";

/** Read access to what a warehouse stored, implemented per backend for the contract. */
export interface WarehouseProbe {
  /** Offsets staged in a generation, sorted (with partition for multi-partition tests). */
  stagedOffsets(generation: number, partition?: number): Promise<number[]>;
  /** `epoch:offset` of a partition's staged rows in a generation, sorted by epoch, offset. */
  stagedEpochOffsets(generation: number, partition: number): Promise<string[]>;
  /** The field problems and Kafka timestamp of a staged row. */
  stagedRow(
    generation: number,
    offset: number,
  ): Promise<{ problems: string[]; kafkaTimestampMs: number | null; extra: string | null }>;
  /** `_ingested_at` of every staged row of a generation, epoch ms. */
  ingestedAt(generation: number): Promise<number[]>;
  /** Dead letters by offset. */
  deadLetters(): Promise<{ offset: number; code: string; reason: string; raw: Uint8Array }[]>;
  /** User-agent dimension rows. */
  userAgents(): Promise<{ userAgentId: string; userAgent: string; browserFamily: string | null }[]>;
  /** Catalog rows. */
  products(): Promise<{ productId: string; url: string | null; firstSeenMs: number | null }[]>;
  /**
   * `summary`'s rows as readers query them: `_offset` and the user-agent columns
   * (`USER_AGENT_ROW_COLUMNS`), each as the query returned it.
   */
  summaryUserAgents(): Promise<Record<string, unknown>[]>;
}

/** A fresh, empty, opened warehouse wired to a fault switch, its probe and a cleanup. */
export interface ContractSubject {
  readonly warehouse: Warehouse;
  readonly probe: WarehouseProbe;
  readonly faults: FaultSwitch;
  cleanup(): Promise<void>;
}

/** Fast retries for tests: three attempts, millisecond delays. */
export const TEST_RETRY: RetryPolicy = { attempts: 3, initialDelayMs: 1, maxDelayMs: 4 };

/** Registers the contract tests for one implementation. */
export function warehouseContract(
  name: string,
  create: (faults: FaultSwitch) => Promise<ContractSubject>,
): void {
  const test = (title: string, body: (s: ContractSubject) => Promise<void>) =>
    Deno.test(`${name}: ${title}`, async () => {
      const subject = await create(new FaultSwitch());
      try {
        await body(subject);
      } finally {
        await subject.cleanup();
      }
    });
  const rows = (fromOffset: number, count: number, partition = 0): RowBatch =>
    syntheticBatch({ fromOffset, count, partition });
  /** The span of one chunk of `count` rows from `first`, continuing what precedes it. */
  const span = (
    chunkId: number,
    partition: number,
    first: number,
    count: number,
    position: Partial<ChunkPosition> = {},
  ): ChunkSpan => ({
    chunkId,
    topic: "product_view",
    partition,
    position: {
      topicId: "topic-id-a",
      prevOffset: first - 1,
      fromCommit: false,
      firstOffset: first,
      lastOffset: first + count - 1,
      logEnd: 1_000_000,
      ...position,
    },
    rowCount: count,
    deadLetterCount: 0,
  });
  const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

  /** Rows by offset with their user-agent columns, values as the batch holds them (sorted). */
  const userAgentsByOffset = (found: readonly Record<string, unknown>[]) =>
    found.map((row) => [
      Number(row._offset),
      ...USER_AGENT_ROW_COLUMNS.map((name) => {
        const value = row[name];
        return value === null || value === undefined || typeof value === "boolean"
          ? value ?? null
          : String(value);
      }),
    ]).sort((a, b) => Number(a[0]) - Number(b[0]));

  test("a staged row read through summary and the export carries its user agent's fields, and nulls without one", async (s) => {
    const batch = withoutUserAgent(rows(0, 60), [3, 17, 42]);
    const offsets = columnOf(batch, "_offset");
    const expected = userAgentsByOffset(offsets.map((offset, row) =>
      Object.fromEntries([
        ["_offset", offset],
        ...USER_AGENT_ROW_COLUMNS.map((name) => [name, columnOf(batch, name)[row]]),
      ])
    ));
    assert.deepEqual(expected[3]?.slice(1), USER_AGENT_ROW_COLUMNS.map(() => null));
    await s.warehouse.writeBatch({ rows: batch, deadLetters: [] });
    assert.deepEqual(userAgentsByOffset(await s.probe.summaryUserAgents()), expected, "summary");
    await s.warehouse.sealGeneration();
    const dir = await Deno.makeTempDir({ prefix: "contract_export_" });
    const instance = await DuckDBInstance.create(":memory:");
    const connection = await instance.connect();
    try {
      await s.warehouse.exportParquet(1, { kind: "folder", dir });
      const exported = (await connection.runAndReadAll(
        `SELECT _offset, ${USER_AGENT_ROW_COLUMNS.join(", ")}
         FROM read_parquet('${dir}/**/*.parquet', hive_partitioning = false)`,
      )).getRowObjectsJS();
      assert.deepEqual(userAgentsByOffset(exported), expected, "export");
    } finally {
      connection.closeSync();
      instance.closeSync();
      await Deno.remove(dir, { recursive: true });
    }
  });

  test("a failure anywhere in a batch leaves nothing of it visible", async (s) => {
    const batch = { rows: rows(0, 5000), deadLetters: [syntheticDeadLetter(5000)] };
    const agentsOfBatch = [...new Set(columnOf(batch.rows, "user_agent_id").map(String))].sort();
    const productsOfBatch = [
      ...new Set(
        columnOf(batch.rows, "catalog_product_ids").flatMap((ids) =>
          Array.isArray(ids) ? ids.map(String) : []
        ),
      ),
    ].sort();
    // Dimension rows may be stored ahead of their batch (DuckDB upserts them in a transaction of
    // their own before the batch commits): only keys the batch holds, each once.
    const dimensionsAtMostOf = async (when: string) => {
      const agents = (await s.probe.userAgents()).map((a) => a.userAgentId).sort();
      const products = (await s.probe.products()).map((p) => p.productId).sort();
      assert.ok(agents.length === 0 || agents.join() === agentsOfBatch.join(), `agents ${when}`);
      assert.ok(products.length === 0 || products.join() === productsOfBatch.join(), when);
    };
    for (const stage of ["staging-chunk-appended", "staged", "committing"] as const) {
      s.faults.arm(stage, Infinity);
      await assert.rejects(() => s.warehouse.writeBatch(batch), WarehouseUnavailableError);
      assert.deepEqual(await s.probe.stagedOffsets(1), [], `no staged rows after ${stage}`);
      assert.deepEqual(await s.probe.deadLetters(), []);
      await dimensionsAtMostOf(`after ${stage}`);
      assert.deepEqual(await s.warehouse.watermarks(), []);
    }
    s.faults.disarm();
    const result = await s.warehouse.writeBatch(batch);
    assert.equal(result.staged, 5000);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 5000));
    assert.deepEqual((await s.probe.userAgents()).map((a) => a.userAgentId).sort(), agentsOfBatch);
    assert.deepEqual((await s.probe.products()).map((p) => p.productId).sort(), productsOfBatch);
  });

  test("batches prepared before the one ahead of them commits are each stored once", async (s) => {
    const all = rows(0, 6000);
    const start = Date.now();
    const first = s.warehouse.prepareBatch({ rows: sliceBatch(all, 0, 3000), deadLetters: [] });
    const second = s.warehouse.prepareBatch({
      rows: sliceBatch(all, 3000, 6000),
      deadLetters: [syntheticDeadLetter(6000)],
    });
    const written = [await s.warehouse.writeBatch(first), await s.warehouse.writeBatch(second)];
    assert.deepEqual(written.map((w) => [w.staged, w.deadLettered, w.replayed]), [
      [3000, 0, 0],
      [3000, 1, 0],
    ]);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 6000));
    assert.ok((await s.probe.ingestedAt(1)).every((t) => t >= start && t <= Date.now()));
    assert.equal((await s.warehouse.watermarks())[0]?.maxOffset, 6000);
  });

  test("a batch prepared before the one ahead stored part of it writes only the rest", async (s) => {
    const all = rows(0, 3000);
    const first = s.warehouse.prepareBatch({ rows: sliceBatch(all, 0, 2000), deadLetters: [] });
    const overlap = s.warehouse.prepareBatch({
      rows: sliceBatch(all, 1000, 3000),
      deadLetters: [],
    });
    await s.warehouse.writeBatch(first);
    const result = await s.warehouse.writeBatch(overlap);
    assert.deepEqual([result.staged, result.replayed], [1000, 1000]);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 3000));
  });

  test("a batch prepared before its partition is reset is stored under the new epoch", async (s) => {
    await s.warehouse.writeBatch({ rows: rows(0, 100), deadLetters: [] });
    const prepared = s.warehouse.prepareBatch({ rows: rows(0, 50), deadLetters: [] });
    await s.warehouse.resetPartition("product_view", 0, 0, "topic recreated (test)");
    assert.equal((await s.warehouse.writeBatch(prepared)).staged, 50);
    const keys = await s.probe.stagedEpochOffsets(1, 0);
    assert.deepEqual([keys.length, keys[99], keys[100], keys[149]], [150, "0:99", "1:0", "1:49"]);
  });

  test("a prepared batch whose first attempt failed after a chunk is retried, stored once", async (s) => {
    const prepared = s.warehouse.prepareBatch({ rows: rows(0, 5000), deadLetters: [] });
    s.faults.arm("staging-chunk-appended", Infinity);
    await assert.rejects(() => s.warehouse.writeBatch(prepared), WarehouseUnavailableError);
    assert.deepEqual(await s.probe.stagedOffsets(1), []);
    s.faults.arm("staging-chunk-appended", 1);
    const result = await s.warehouse.writeBatch(prepared);
    assert.deepEqual([result.staged, result.attempts], [5000, 2]);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 5000));
  });

  test("replaying an identical batch adds nothing", async (s) => {
    const batch = { rows: rows(0, 3000), deadLetters: [syntheticDeadLetter(3000)] };
    await s.warehouse.writeBatch(batch);
    const again = await s.warehouse.writeBatch(batch);
    assert.deepEqual({ staged: again.staged, dead: again.deadLettered, replayed: again.replayed }, {
      staged: 0,
      dead: 0,
      replayed: 3001,
    });
    assert.equal(await s.warehouse.stagingCount(1), 3000);
    assert.equal((await s.probe.deadLetters()).length, 1);
  });

  test("a partly overlapping replay stores only the offsets not stored yet", async (s) => {
    const all = rows(0, 300);
    await s.warehouse.writeBatch({ rows: sliceBatch(all, 0, 200), deadLetters: [] });
    const overlap = await s.warehouse.writeBatch({
      rows: sliceBatch(all, 100, 300),
      deadLetters: [syntheticDeadLetter(150), syntheticDeadLetter(300)],
    });
    assert.equal(overlap.staged, 100);
    assert.equal(overlap.deadLettered, 1);
    assert.equal(overlap.replayed, 101);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 300));
    assert.deepEqual((await s.probe.deadLetters()).map((d) => d.offset), [300]);
    assert.deepEqual(await s.warehouse.watermarks(), [
      { topic: "product_view", partition: 0, maxOffset: 300, epoch: 0, topicId: null },
    ]);
  });

  test("partitions keep their own watermarks", async (s) => {
    await s.warehouse.writeBatch({ rows: rows(0, 50, 0), deadLetters: [] });
    await s.warehouse.writeBatch({ rows: rows(0, 20, 1), deadLetters: [] });
    assert.deepEqual(await s.probe.stagedOffsets(1, 1), range(0, 20));
    assert.deepEqual((await s.warehouse.watermarks()).map((w) => [w.partition, w.maxOffset]), [
      [0, 49],
      [1, 19],
    ]);
  });

  test("after sealing, a replayed batch does not land again in the next generation", async (s) => {
    const batch = { rows: rows(0, 1000), deadLetters: [] };
    await s.warehouse.writeBatch(batch);
    assert.deepEqual(await s.warehouse.sealGeneration(), { generation: 1, rowCount: 1000 });
    const replay = await s.warehouse.writeBatch(batch);
    assert.equal(replay.generation, 2);
    assert.equal(replay.staged, 0);
    assert.equal(await s.warehouse.stagingCount(2), 0);
    const next = await s.warehouse.writeBatch({ rows: rows(1000, 10), deadLetters: [] });
    assert.equal(next.staged, 10);
    assert.deepEqual(await s.probe.stagedOffsets(2), range(1000, 1010));
  });

  test("dead letters keep their raw bytes, reason and coordinates", async (s) => {
    const letters = [syntheticDeadLetter(7), syntheticDeadLetter(8)];
    await s.warehouse.writeBatch({ rows: rows(0, 7), deadLetters: letters });
    const stored = await s.probe.deadLetters();
    assert.deepEqual(
      stored.map((d) => ({ ...d, raw: [...d.raw] })),
      letters.map((d) => ({ offset: d.offset, code: d.code, reason: d.reason, raw: [...d.raw] })),
    );
  });

  test("the user-agent dimension holds one row per distinct user agent across batches", async (s) => {
    await s.warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 500, userAgents: 10 }),
      deadLetters: [],
    });
    const second = await s.warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 500, count: 500, userAgents: 15 }),
      deadLetters: [],
    });
    assert.equal(second.newUserAgents, 5);
    const agents = await s.probe.userAgents();
    assert.equal(agents.length, 15);
    assert.equal(new Set(agents.map((a) => a.userAgentId)).size, 15);
    assert.ok(agents.every((a) => a.userAgent.startsWith("Mozilla/5.0") && a.browserFamily));
  });

  test("a product is stored once, keeping the URL and time where it was first seen", async (s) => {
    const first = syntheticBatch({ fromOffset: 0, count: 100, products: 3 });
    await s.warehouse.writeBatch({ rows: first, deadLetters: [] });
    const before = await s.probe.products();
    assert.equal(before.length, 3);
    const later = syntheticBatch({ fromOffset: 100, count: 100, products: 4 });
    const url = columnIndex("current_url");
    later.columns[url] = columnOf(later, "current_url").map(() =>
      "https://www.glamira.fr/changed.html"
    );
    await s.warehouse.writeBatch({ rows: later, deadLetters: [] });
    const after = await s.probe.products();
    assert.equal(after.length, 4);
    for (const product of before) {
      assert.deepEqual(after.find((p) => p.productId === product.productId), product);
    }
  });

  test("every staged row carries _ingested_at set at write time", async (s) => {
    const start = Date.now();
    await s.warehouse.writeBatch({ rows: rows(0, 100), deadLetters: [] });
    const stamps = await s.probe.ingestedAt(1);
    assert.equal(stamps.length, 100);
    assert.ok(
      stamps.every((t) => t >= start && t <= Date.now()),
      `stamps ${stamps[0]} >= ${start}`,
    );
  });

  test("a transient failure is retried and the batch then commits once", async (s) => {
    s.faults.arm("committing", 2);
    const result = await s.warehouse.writeBatch({ rows: rows(0, 100), deadLetters: [] });
    assert.equal(result.attempts, 3);
    assert.equal(s.faults.injected, 2);
    assert.deepEqual(await s.probe.stagedOffsets(1), range(0, 100));
  });

  test("a lasting failure surfaces as WarehouseUnavailableError, and a later write recovers", async (s) => {
    s.faults.arm("staged", Infinity);
    const batch = { rows: rows(0, 10), deadLetters: [] };
    await assert.rejects(() => s.warehouse.writeBatch(batch), (e: unknown) => {
      assert.ok(e instanceof WarehouseUnavailableError);
      assert.equal(e.attempts, TEST_RETRY.attempts);
      assert.match(e.message, /injected failure at staged/);
      return true;
    });
    s.faults.disarm();
    assert.equal((await s.warehouse.writeBatch(batch)).staged, 10);
  });

  test("sealing opens the next generation and rows are counted per generation", async (s) => {
    assert.equal(await s.warehouse.currentGeneration(), 1);
    await s.warehouse.writeBatch({ rows: rows(0, 40), deadLetters: [] });
    await s.warehouse.sealGeneration();
    await s.warehouse.writeBatch({ rows: rows(40, 15), deadLetters: [] });
    assert.equal(await s.warehouse.currentGeneration(), 2);
    assert.equal(await s.warehouse.stagingCount(1), 40);
    assert.equal(await s.warehouse.stagingCount(2), 15);
    assert.deepEqual(await s.warehouse.sealedGenerations(), [{ generation: 1, rowCount: 40 }]);
  });

  test("a generation is dropped only after an export with its row count is recorded", async (s) => {
    await s.warehouse.writeBatch({ rows: rows(0, 40), deadLetters: [] });
    await assert.rejects(() => s.warehouse.dropGeneration(1), RangeError, "the open one stays");
    await s.warehouse.sealGeneration();
    await assert.rejects(() => s.warehouse.dropGeneration(1), RangeError, "no export yet");
    const record = {
      generation: 1,
      location: "bronze/summary",
      rowCount: 39,
      exportedAtMs: 1_000,
      files: ["dt=2020-06-01/part-g1-0.parquet", "dt=2020-06-02/part-g1-0.parquet"],
      bytes: 2048,
      checksum: "ab".repeat(32),
    };
    await s.warehouse.recordExport(record);
    await assert.rejects(() => s.warehouse.dropGeneration(1), RangeError, "count mismatch");
    await s.warehouse.recordExport({ ...record, rowCount: 40 });
    await s.warehouse.dropGeneration(1);
    await s.warehouse.dropGeneration(1);
    assert.deepEqual(await s.warehouse.sealedGenerations(), []);
    await assert.rejects(() => s.warehouse.stagingCount(1), RangeError);
    assert.deepEqual(await s.warehouse.exportManifest(), [{ ...record, rowCount: 40 }]);
  });

  test("a chunk that would skip offsets never stored is held back; its neighbours are written", async (s) => {
    await s.warehouse.writeBatch({
      rows: rows(0, 100, 0),
      deadLetters: [],
      chunks: [span(1, 0, 0, 100)],
    });
    const next = await s.warehouse.writeBatch({
      rows: concatBatches([rows(300, 100, 0), rows(0, 50, 1)]),
      deadLetters: [],
      chunks: [span(2, 0, 300, 100, { prevOffset: 299 }), span(3, 1, 0, 50)],
    });
    assert.deepEqual(
      { staged: next.staged, held: next.held, replayed: next.replayed, ok: next.acceptedChunkIds },
      { staged: 50, held: 100, replayed: 0, ok: [3] },
    );
    assert.deepEqual(
      next.refusals.map((r) => [r.kind, r.partition, r.storedOffset, r.kafkaOffset]),
      [
        ["gap", 0, 99, 299],
      ],
    );
    assert.deepEqual(await s.probe.stagedOffsets(1, 0), range(0, 100));
    assert.deepEqual(
      (await s.warehouse.watermarks()).map((w) => [w.partition, w.maxOffset, w.topicId]),
      [[0, 99, "topic-id-a"], [1, 49, "topic-id-a"]],
    );
  });

  test("a recreated topic is refused, never counted as replays; after a reset it is stored once", async (s) => {
    await s.warehouse.writeBatch({
      rows: rows(0, 300, 0),
      deadLetters: [],
      chunks: [span(1, 0, 0, 300)],
    });
    // The same name, another log: a new topic id, offsets from 0 again, a shorter log.
    const other = { topicId: "topic-id-b", prevOffset: null, logEnd: 121 };
    const refused = await s.warehouse.writeBatch({
      rows: rows(0, 120, 0),
      deadLetters: [],
      chunks: [span(2, 0, 0, 120, other)],
    });
    assert.deepEqual([refused.staged, refused.replayed, refused.held], [0, 0, 120]);
    assert.equal(refused.refusals[0]?.kind, "topic_changed");
    assert.equal(refused.refusals[0]?.halts, true);
    const shorter = await s.warehouse.writeBatch({
      rows: rows(0, 120, 0),
      deadLetters: [],
      chunks: [span(3, 0, 0, 120, { ...other, topicId: null })],
    });
    assert.equal(shorter.refusals[0]?.kind, "log_truncated");
    assert.equal(shorter.replayed, 0);
    const reset = await s.warehouse.resetPartition("product_view", 0, 0, "topic recreated (test)");
    assert.deepEqual({ ...reset }, {
      topic: "product_view",
      partition: 0,
      epoch: 1,
      previousMaxOffset: 299,
      fromOffset: 0,
    });
    const stored = await s.warehouse.writeBatch({
      rows: rows(0, 120, 0),
      deadLetters: [syntheticDeadLetter(120)],
      chunks: [{ ...span(4, 0, 0, 121, other), rowCount: 120, deadLetterCount: 1 }],
    });
    assert.deepEqual([stored.staged, stored.deadLettered, stored.replayed], [120, 1, 0]);
    const keys = await s.probe.stagedEpochOffsets(1, 0);
    assert.equal(keys.length, 420);
    assert.deepEqual(keys.slice(299, 302), ["0:299", "1:0", "1:1"]);
    assert.deepEqual(
      (await s.warehouse.watermarks()).map((w) => [w.maxOffset, w.epoch, w.topicId]),
      [[120, 1, "topic-id-b"]],
    );
  });

  test("values no warehouse can store are left null with a field problem, not a failed batch", async (s) => {
    const batch = rows(0, 60);
    const stamp = columnIndex("_kafka_timestamp_ms");
    const extra = columnIndex("extra");
    const set = (column: number, row: number, value: number | string) => {
      const cells = batch.columns[column];
      if (cells !== undefined) cells[row] = value;
    };
    set(stamp, 0, 2 ** 53);
    set(stamp, 1, Date.UTC(10000, 0, 1));
    // Large rows: 60 × 200 kB is over BigQuery's 10 MB per request, so requests split by bytes.
    for (let row = 0; row < 60; row++) {
      set(extra, row, JSON.stringify({ pad: "x".repeat(200_000) }));
    }
    const letter = { ...syntheticDeadLetter(60), kafkaTimestampMs: 2 ** 53 };
    const result = await s.warehouse.writeBatch({ rows: batch, deadLetters: [letter] });
    assert.deepEqual([result.staged, result.deadLettered, result.fixed], [60, 1, 2]);
    const first = await s.probe.stagedRow(1, 0);
    assert.equal(first.kafkaTimestampMs, null);
    assert.match(
      first.problems.join("\n"),
      /_kafka_timestamp_ms: 9007199254740992 is not an integer/,
    );
    assert.equal((await s.probe.stagedRow(1, 1)).kafkaTimestampMs, Date.UTC(10000, 0, 1));
    assert.equal((await s.probe.stagedRow(1, 59)).extra?.length, 200_010);
    const [dead] = await s.probe.deadLetters();
    assert.match(dead?.reason ?? "", /Kafka timestamp 9007199254740992 is not storable/);
  });

  test("uncrawled products are listed and crawl results merged into the catalog", async (s) => {
    await s.warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 50, products: 3 }),
      deadLetters: [],
    });
    const todo = await s.warehouse.uncrawledProducts(10);
    assert.equal(todo.length, 3);
    const [a, b, c] = todo.map((p) => p.productId) as [string, string, string];
    const updated = await s.warehouse.mergeCrawlResults([
      { productId: a, crawledAtMs: 1, httpStatus: 200, productName: "Ring Aurora", done: true },
      { productId: b, crawledAtMs: 2, httpStatus: 404, productName: null, done: true },
      { productId: c, crawledAtMs: 3, httpStatus: 429, productName: null, done: false },
      { productId: "unknown", crawledAtMs: 4, httpStatus: 200, productName: "x", done: true },
    ]);
    assert.equal(updated, 3);
    assert.deepEqual(await s.warehouse.uncrawledProducts(10), [
      { productId: c, url: todo[2]!.url, attempts: 1 },
    ]);
  });
}
