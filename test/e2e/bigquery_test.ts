/**
 * The at-scale targets end to end, against the pinned emulators: two pipeline processes in one
 * consumer group write to one BigQuery dataset; one is killed mid-run and the other takes its
 * partitions over: every event is committed exactly once (staged or dead-lettered), and an
 * export lands verified Parquet in Cloud Storage.
 */
import assert from "node:assert/strict";
import { BigQuery } from "@google-cloud/bigquery";
import { Storage } from "@google-cloud/storage";
import { PassThroughClient } from "google-auth-library";
import {
  committedDeadLetters,
  committedStaging,
} from "../../actors/writer/bigquery/visible_rows.ts";
import { testBigQuery } from "../emulators/bigquery_emulator.ts";
import { testStorage } from "../emulators/gcs_emulator.ts";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, type WarehouseContents } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

// Started before the tests, so the emulator processes are not counted as a test's resources.
const bq = await testBigQuery();
const gcs = await testStorage();

async function offsets(client: BigQuery, sql: string): Promise<Map<number, number[]>> {
  const [rows] = await client.query({ query: sql });
  const out = new Map<number, number[]>();
  for (const row of rows as { p: number; o: number }[]) {
    out.set(Number(row.p), [...out.get(Number(row.p)) ?? [], Number(row.o)]);
  }
  return out;
}

Deno.test({
  name:
    "two processes in one group on BigQuery, one SIGKILLed mid-run: exactly once; export to GCS",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-bq");
    const dataset = `e2e_${crypto.randomUUID().slice(0, 8)}`;
    const bucket = `e2e-${crypto.randomUUID().slice(0, 8)}`;
    const storage = new Storage({
      projectId: gcs.projectId,
      apiEndpoint: gcs.endpoint,
      authClient: new PassThroughClient(),
    });
    await storage.createBucket(bucket);
    const env = pipelineEnv(t, {
      WAREHOUSE: `bigquery:${bq.projectId}.${dataset}`,
      BIGQUERY_ENDPOINT: bq.endpoint,
      LAKE: `gs://${bucket}/lakehouse`,
      STORAGE_ENDPOINT: gcs.endpoint,
      METADATA_SERVER_DETECTION: "none",
      BATCH_MAX_ROWS: "500",
    });
    const dirs = [0, 1].map(() => Deno.makeTempDirSync({ prefix: "e2e-bq-" }));
    const producing = produce(t.brokers, t.topic, 4_000, 0.02, 1_000);
    const [a, b] = [
      await startPipeline({ dataDir: dirs[0]!, env }),
      await startPipeline({ dataDir: dirs[1]!, env }),
    ];
    while ((await (await a!.get("/status")).json()).events.staged < 300) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal((await a!.stop("SIGKILL")).signal, "SIGKILL");
    await producing;
    const ends = await caughtUp(t, 300_000);

    // Exactly once, read while B still runs: staged or dead-lettered, each offset once.
    const client = new BigQuery({
      projectId: bq.projectId,
      apiEndpoint: bq.endpoint,
      authClient: new PassThroughClient(),
    });
    const staged = await offsets(
      client,
      `SELECT _partition AS p, _offset AS o FROM (${committedStaging(dataset, "staging_g1", 1)})
       WHERE _topic = '${t.topic}'`,
    );
    const dead = await offsets(
      client,
      `SELECT kafka_partition AS p, kafka_offset AS o FROM (${committedDeadLetters(dataset)})
       WHERE topic = '${t.topic}'`,
    );
    const contents: WarehouseContents = {
      staged,
      exported: new Map(),
      orphans: [],
      dead,
      deadByCode: {},
      rowsWithProblems: 0,
      rowsWithIpProblems: 0,
      userAgents: 0,
      products: 0,
    };
    assert.deepEqual(exactlyOnceProblems(contents, ends), []);
    assert.ok(dead.size > 0, "2% hostile input must leave dead letters");

    // Export: the staged rows leave for verified Parquet objects in the bucket.
    const exported = await fetch(`http://127.0.0.1:${b!.controlPort}/export`, {
      method: "POST",
      headers: { authorization: `Bearer ${b!.token}` },
    });
    const report = await exported.json();
    assert.equal(exported.status, 200, JSON.stringify(report));
    const stagedCount = [...staged.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(report.rows, stagedCount);
    const [files] = await storage.bucket(bucket).getFiles({ prefix: "lakehouse/bronze/summary/" });
    assert.equal(files.length, report.files);
    assert.equal((await b!.stop("SIGTERM")).code, 0);
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  },
});
