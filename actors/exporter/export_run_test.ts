import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { DuckDBWarehouse } from "../writer/duckdb/duckdb_warehouse.ts";
import { syntheticBatch } from "../writer/testing.ts";
import { type ExportStep, runExport } from "./export_run.ts";
import { FolderLake } from "./folder_lake.ts";

async function setup() {
  const dir = await Deno.makeTempDir({ prefix: "export_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  const lake = new FolderLake(`${dir}/lake`);
  return {
    dir,
    warehouse,
    lake,
    async write(from: number, count: number, partition = 0) {
      await warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset: from, count, partition }),
        deadLetters: [],
      });
    },
    async cleanup() {
      await warehouse.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Every (partition, offset) in the lake's Parquet files, as read by a separate DuckDB. */
async function lakeKeys(root: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT _partition || ':' || _offset FROM read_parquet('${root}/bronze/summary/**/*.parquet',
         hive_partitioning = true) ORDER BY _partition, _offset`,
    );
    return reader.getRowsJS().map(([k]) => String(k));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

async function filesUnder(path: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const e of Deno.readDir(path)) {
      if (e.isDirectory) out.push(...(await filesUnder(`${path}/${e.name}`)));
      else out.push(`${path}/${e.name}`);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

const keys = (from: number, to: number, partition = 0) =>
  Array.from({ length: to - from }, (_, i) => `${partition}:${from + i}`);

Deno.test("an export writes verified Parquet by event date, records it, and drops the generation", async () => {
  const s = await setup();
  try {
    await s.write(0, 700);
    const summary = await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.equal(summary.rows, 700);
    assert.equal(summary.generations.length, 1);
    assert.deepEqual(await lakeKeys(`${s.dir}/lake`), keys(0, 700));
    const [entry] = await s.warehouse.exportManifest();
    assert.equal(entry?.rowCount, 700);
    assert.equal(entry?.files.length, summary.files);
    assert.match(entry?.checksum ?? "", /^[0-9a-f]{64}$/);
    for (const f of entry?.files ?? []) {
      assert.match(f, /^dt=\d{4}-\d{2}-\d{2}\/part-g1-\d+\.parquet$/);
    }
    assert.deepEqual(await s.warehouse.sealedGenerations(), []);
    assert.equal(await s.warehouse.currentGeneration(), 2);
    await s.write(700, 50);
    assert.equal(
      await s.warehouse.stagingCount(2),
      50,
      "rows after the seal go to the next generation",
    );
    assert.deepEqual(await filesUnder(`${s.dir}/lake/_staging`), []);
  } finally {
    await s.cleanup();
  }
});

Deno.test("an export with nothing staged seals nothing and writes nothing", async () => {
  const s = await setup();
  try {
    const summary = await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.equal(summary.rows, 0);
    assert.equal(await s.warehouse.currentGeneration(), 1);
    assert.deepEqual(await filesUnder(`${s.dir}/lake`), []);
  } finally {
    await s.cleanup();
  }
});

const STEPS: ExportStep[] = ["sealed", "staged", "verified", "published", "recorded", "dropped"];

for (const step of STEPS) {
  Deno.test(`a crash after the "${step}" step, then a rerun: every row exactly once, no orphan files`, async () => {
    const s = await setup();
    try {
      await s.write(0, 400, 0);
      await s.write(0, 250, 1);
      await assert.rejects(
        runExport({
          warehouse: s.warehouse,
          lake: s.lake,
          crashAfter: (at) => {
            if (at === step) throw new Error(`injected crash after ${at}`);
          },
        }),
        /injected crash/,
      );
      await s.write(400, 100, 0); // Streaming goes on meanwhile: the next generation.
      await runExport({ warehouse: s.warehouse, lake: s.lake });
      assert.deepEqual(await lakeKeys(`${s.dir}/lake`), [...keys(0, 500, 0), ...keys(0, 250, 1)]);
      assert.deepEqual(await s.warehouse.sealedGenerations(), []);
      assert.deepEqual((await s.warehouse.exportManifest()).map((e) => e.generation), [1, 2]);
      const files = await filesUnder(`${s.dir}/lake`);
      assert.ok(
        files.every((f) => /\/bronze\/summary\/dt=[^/]+\/part-g[12]-\d+\.parquet$/.test(f)),
        files.join("\n"),
      );
    } finally {
      await s.cleanup();
    }
  });
}
