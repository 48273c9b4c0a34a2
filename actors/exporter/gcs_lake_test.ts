import { DuckDBInstance } from "@duckdb/node-api";
import { Storage } from "@google-cloud/storage";
import { PassThroughClient } from "google-auth-library";
import { type OwnBigQuery, startOwnBigQuery } from "../../test/emulators/bigquery_emulator.ts";
import { testStorage } from "../../test/emulators/gcs_emulator.ts";
import type { ExportTarget } from "../../messages/staging_generations.ts";
import { listFiles } from "../../files/file_tree.ts";
import { BigQueryWarehouse } from "../writer/bigquery/bigquery_warehouse.ts";
import { uniqueDataset } from "../writer/bigquery/testing.ts";
import { TEST_RETRY } from "../writer/warehouse_contract.ts";
import { GcsLake } from "./gcs_lake.ts";
import { lakeContract, type LakeSubject } from "./lake_contract.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const gcs = await testStorage();
const storage = new Storage({
  projectId: gcs.projectId,
  apiEndpoint: gcs.endpoint,
  authClient: new PassThroughClient(),
});

/**
 * BigQuery's EXPORT DATA, which the emulator cannot run, stood in for by what it leaves: the
 * generation's Parquet files under the `gs://` target. The files come from the client path (the
 * same rows and names); everything the lake does with them is the real thing.
 */
class ExportDataStandIn extends BigQueryWarehouse {
  constructor(bigquery: OwnBigQuery, dataset: string, private readonly scratch: string) {
    super({
      projectId: bigquery.projectId,
      dataset,
      apiEndpoint: bigquery.endpoint,
      credentials: "none",
      retry: TEST_RETRY,
      quotaRetry: TEST_RETRY,
    });
  }

  override async exportParquet(generation: number, target: ExportTarget): Promise<void> {
    if (target.kind === "folder") return await super.exportParquet(generation, target);
    const dir = `${this.scratch}/export-data-g${generation}`;
    await super.exportParquet(generation, { kind: "folder", dir });
    const [, bucket = "", prefix = ""] = /^gs:\/\/([^/]+)\/(.*)$/.exec(target.uri) ?? [];
    for (const file of await listFiles(dir)) {
      await storage.bucket(bucket).upload(`${dir}/${file}`, { destination: `${prefix}${file}` });
    }
  }
}

/** Every (partition, offset) in the bucket's published Parquet files, downloaded, read by DuckDB. */
async function publishedKeys(bucket: string): Promise<string[]> {
  const dir = await Deno.makeTempDir({ prefix: "gcs_read_" });
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const [files] = await storage.bucket(bucket).getFiles({ prefix: "lakehouse/bronze/summary/" });
    if (files.length === 0) return [];
    for (const file of files) {
      const path = `${dir}/${file.name}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await file.download({ destination: path });
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

/** A fresh bucket, dataset and scratch folder; the lake staged locally or in the bucket. */
async function subject(serverSide: boolean): Promise<LakeSubject> {
  const scratch = await Deno.makeTempDir({ prefix: "gcs_export_" });
  const bucket = `b-${crypto.randomUUID().slice(0, 8)}`;
  await storage.createBucket(bucket);
  // Each subject has a BigQuery emulator of its own: one process slows down with every table it
  // ever held (dropped datasets included), by about 5 s per test of this suite.
  const bigquery = await startOwnBigQuery();
  const dataset = uniqueDataset();
  const warehouse = new ExportDataStandIn(bigquery, dataset, scratch);
  await warehouse.open();
  const lake = new GcsLake({
    storage,
    bucket,
    prefix: "lakehouse",
    scratchDir: scratch,
    serverSide,
  });
  return {
    warehouse,
    lake,
    location: `gs://${bucket}/lakehouse/bronze/summary`,
    lakeKeys: () => publishedKeys(bucket),
    async files() {
      const [files] = await storage.bucket(bucket).getFiles();
      return files.map((f) => f.name.replace(/^lakehouse\//, "")).sort();
    },
    async leave(relative) {
      await storage.bucket(bucket).file(`lakehouse/${relative}`).save("not parquet");
    },
    async cleanup() {
      await warehouse.close();
      await bigquery.stop();
      await storage.bucket(bucket).deleteFiles({ force: true });
      await storage.bucket(bucket).delete();
      await Deno.remove(scratch, { recursive: true });
    },
  };
}

lakeContract("Cloud Storage lake over the BigQuery emulator", () => subject(false));
// Staged in the bucket, only staging, counting and publishing differ from the run above (sealing,
// recording and dropping are the warehouse's): its crash tests are those steps' (the emulator
// slows down with every test, so the suite does not pay twice for the same steps).
lakeContract(
  "Cloud Storage lake staged in the bucket (EXPORT DATA)",
  () => subject(true),
  ["staged", "verified", "published"],
);
