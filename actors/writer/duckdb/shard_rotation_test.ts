import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { packRows, unpackRows } from "../../../messages/packed_rows.ts";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import { syntheticBatch } from "../testing.ts";
import { mainPath, shardPath, type ShardRun, writeSharded } from "./shard_rotation.ts";

const batches = (): RowBatch[] =>
  [0, 200, 400, 600].map((from) =>
    unpackRows(packRows(syntheticBatch({ fromOffset: from, count: 200, userAgents: 5 })))
  );

async function read(path: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    return (await connection.runAndReadAll(sql)).getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function withDir(body: (dir: string) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "shard_rotation_test_" });
  try {
    await body(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const run = (dir: string, shards: number, thresholdMb: number): ShardRun => ({
  dir,
  name: "w",
  shards,
  threads: 1,
  stringCompression: "auto",
  // Two shards hold both shards' rows awaiting a checkpoint at once: at 128 MB DuckDB can run out
  // of blocks while one shard checkpoints beside the other's commits (bench/README.md).
  memoryLimit: shards === 0 ? "128MB" : "256MB",
  thresholdMb,
});

Deno.test("the one-file way stores every row, its dimension and its watermark in the main file", async () => {
  await withDir(async (dir) => {
    const list = batches();
    const figures = await writeSharded(run(dir, 0, 64), () => list.shift());
    assert.equal(figures.rows, 800);
    assert.equal(figures.batchMs.length, 4);
    const main = mainPath(run(dir, 0, 64));
    assert.deepEqual(await read(main, "SELECT count(*), max(_offset) FROM staging_g1"), [
      [800n, 799n],
    ]);
    assert.deepEqual(await read(main, "SELECT max_offset FROM ingest_watermarks"), [[799n]]);
    assert.deepEqual(await read(main, "SELECT count(*) FROM user_agents"), [[5n]]);
  });
});

Deno.test("rotating past the threshold spreads the batches over both shards, each with its watermark, and checkpoints the one left beside the writes", async () => {
  await withDir(async (dir) => {
    const list = batches();
    // A threshold of 1 byte: every batch after the first switches shard.
    const r = run(dir, 2, 0.000001);
    const figures = await writeSharded(r, () => list.shift());
    assert.equal(figures.rows, 800);
    assert.equal(figures.rotationWaitMs.length, 3);
    assert.equal(figures.checkpoints.filter((c) => c.site === "beside").length, 3);
    assert.deepEqual(await read(shardPath(r, 1), "SELECT count(*), max(_offset) FROM staging_g1"), [
      [400n, 599n],
    ]);
    assert.deepEqual(await read(shardPath(r, 2), "SELECT count(*), max(_offset) FROM staging_g1"), [
      [400n, 799n],
    ]);
    assert.deepEqual(await read(shardPath(r, 1), "SELECT max_offset FROM ingest_watermarks"), [
      [599n],
    ]);
    assert.deepEqual(await read(shardPath(r, 2), "SELECT max_offset FROM ingest_watermarks"), [
      [799n],
    ]);
    const main = mainPath(r);
    assert.deepEqual(await read(main, "SELECT count(*) FROM staging_g1"), [[0n]]);
    assert.deepEqual(await read(main, "SELECT count(*) FROM user_agents"), [[5n]]);
    for (const path of [main, shardPath(r, 1), shardPath(r, 2)]) {
      await assert.rejects(Deno.stat(`${path}.wal`), Deno.errors.NotFound, `${path}.wal is left`);
    }
  });
});

Deno.test("a shard count of one is refused with what to give", async () => {
  await withDir(async (dir) => {
    await assert.rejects(writeSharded(run(dir, 1, 64), () => undefined), /give 0 \(one file\)/);
  });
});
