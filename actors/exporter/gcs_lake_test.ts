import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { Storage } from "@google-cloud/storage";
import { PassThroughClient } from "google-auth-library";
import { testBigQuery } from "../../test/emulators/bigquery_emulator.ts";
import { testStorage } from "../../test/emulators/gcs_emulator.ts";
import { emulatorWarehouse } from "../writer/bigquery/testing.ts";
import { syntheticBatch } from "../writer/testing.ts";
import { type ExportStep, runExport } from "./export_run.ts";
import { GcsLake } from "./gcs_lake.ts";

// Started before the tests, so the emulator processes are not counted as a test's resources.
const gcs = await testStorage();
await testBigQuery();
const storage = new Storage({
  projectId: gcs.projectId,
  apiEndpoint: gcs.endpoint,
  authClient: new PassThroughClient(),
});

async function setup() {
  const scratch = await Deno.makeTempDir({ prefix: "gcs_export_" });
  const bucket = `b-${crypto.randomUUID().slice(0, 8)}`;
  await storage.createBucket(bucket);
  const warehouse = await emulatorWarehouse();
  const lake = new GcsLake({ storage, bucket, prefix: "lakehouse", scratchDir: scratch });
  return {
    scratch,
    bucket,
    warehouse,
    lake,
    async write(from: number, count: number, partition = 0) {
      await warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset: from, count, partition }),
        deadLetters: [],
      });
    },
    async objects(): Promise<string[]> {
      const [files] = await storage.bucket(bucket).getFiles();
      return files.map((f) => f.name).sort();
    },
    async cleanup() {
      await warehouse.close();
      await storage.bucket(bucket).deleteFiles({ force: true });
      await storage.bucket(bucket).delete();
      await Deno.remove(scratch, { recursive: true });
    },
  };
}

/** Every (partition, offset) in the bucket's Parquet files, downloaded and read by DuckDB. */
async function lakeKeys(s: Awaited<ReturnType<typeof setup>>): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "gcs_read_" });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const name of await s.objects()) {
      const path = `${dir}/${name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await storage.bucket(s.bucket).file(name).download({ destination: path });
    }
    const reader = await connection.runAndReadAll(
      `SELECT _partition || ':' || _offset FROM read_parquet('${dir}/**/*.parquet',
         hive_partitioning = true) ORDER BY _partition, _offset`,
    );
    return reader.getRowsJS().map(([k]) => String(k));
  } finally {
    connection.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
}

const keys = (from: number, to: number, partition = 0) =>
  Array.from({ length: to - from }, (_, i) => `${partition}:${from + i}`);
const OBJECT = /^lakehouse\/bronze\/summary\/dt=\d{4}-\d{2}-\d{2}\/part-g[12]-\d+\.parquet$/;

Deno.test("an export to Cloud Storage uploads verified Parquet by event date and drops the generation", async () => {
  const s = await setup();
  try {
    await s.write(0, 700);
    const summary = await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.equal(summary.rows, 700);
    assert.deepEqual(await lakeKeys(s), keys(0, 700));
    const [entry] = await s.warehouse.exportManifest();
    assert.equal(entry?.rowCount, 700);
    assert.equal(entry?.location, `gs://${s.bucket}/lakehouse/bronze/summary`);
    assert.ok((await s.objects()).every((name) => OBJECT.test(name)));
    assert.deepEqual(await s.warehouse.sealedGenerations(), []);
  } finally {
    await s.cleanup();
  }
});

Deno.test("publishing replaces the objects an interrupted attempt left for the same generation", async () => {
  const s = await setup();
  try {
    const stale = "lakehouse/bronze/summary/dt=2001-01-01/part-g1-7.parquet";
    await storage.bucket(s.bucket).file(stale).save("not parquet");
    await s.write(0, 100);
    await runExport({ warehouse: s.warehouse, lake: s.lake });
    assert.ok(!(await s.objects()).includes(stale));
    assert.deepEqual(await lakeKeys(s), keys(0, 100));
  } finally {
    await s.cleanup();
  }
});

const STEPS: ExportStep[] = ["sealed", "staged", "verified", "published", "recorded", "dropped"];

for (const step of STEPS) {
  Deno.test(`a BigQuery-to-GCS export crashed after the "${step}" step, then rerun, holds every row exactly once`, async () => {
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
      assert.deepEqual(await lakeKeys(s), [...keys(0, 500, 0), ...keys(0, 250, 1)]);
      assert.deepEqual(await s.warehouse.sealedGenerations(), []);
      assert.deepEqual((await s.warehouse.exportManifest()).map((e) => e.generation), [1, 2]);
      const objects = await s.objects();
      assert.ok(objects.every((name) => OBJECT.test(name)), objects.join("\n"));
    } finally {
      await s.cleanup();
    }
  });
}
