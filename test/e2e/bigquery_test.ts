/**
 * The at-scale targets end to end, against the pinned emulators: two pipeline processes in one
 * consumer group write to one BigQuery dataset; one is killed mid-run and the other takes its
 * partitions over: every event is committed exactly once (staged or dead-lettered), and an
 * export lands verified Parquet in Cloud Storage. Two processes exporting at the same time while
 * both write keep every event exactly once across the lake, staging and dead letters (sealing is
 * fenced: a commit that lands after a seal is written again).
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
import { readBigQuery, readGcsLake } from "../bigquery_probe.ts";
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
    await b!.stopExpecting("SIGTERM", 0);
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  },
});

Deno.test({
  name:
    "two processes on BigQuery exporting at the same time while both write: every event exactly once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-bq-fence");
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
    const dirs = [0, 1].map(() => Deno.makeTempDirSync({ prefix: "e2e-bq-fence-" }));
    const [a, b] = [
      await startPipeline({ dataDir: dirs[0]!, env }),
      await startPipeline({ dataDir: dirs[1]!, env }),
    ];
    const staged = async () =>
      (await (await a!.get("/status")).json()).events.staged +
      (await (await b!.get("/status")).json()).events.staged;
    const exportAt = (p: typeof a) =>
      fetch(`http://127.0.0.1:${p!.controlPort}/export`, {
        method: "POST",
        headers: { authorization: `Bearer ${p!.token}` },
      }).then(async (r) => ({ status: r.status, body: await r.json() }));
    const producing = produce(t.brokers, t.topic, 4_000, 0.02, 500);
    const rounds: { status: number }[][] = [];
    for (const threshold of [600, 1_800]) {
      while (await staged() < threshold) await new Promise((r) => setTimeout(r, 100));
      // Both seal and export while both keep writing into the open generation.
      rounds.push(await Promise.all([exportAt(a), exportAt(b)]));
    }
    await producing;
    const ends = await caughtUp(t, 300_000);
    // What a failed export left sealed, the next one exports.
    const last = [await exportAt(a), await exportAt(b)];
    assert.ok(last.every((r) => r.status === 200), JSON.stringify(last));
    await a!.stopExpecting("SIGTERM", 0);
    await b!.stopExpecting("SIGTERM", 0);

    const client = new BigQuery({
      projectId: bq.projectId,
      apiEndpoint: bq.endpoint,
      authClient: new PassThroughClient(),
    });
    const contents = await readBigQuery(client, dataset, t.topic);
    const exported = await readGcsLake(storage, bucket, "lakehouse/bronze/summary/", t.topic);
    assert.deepEqual(exactlyOnceProblems({ ...contents, exported }, ends), []);
    const inLake = [...exported.values()].reduce((n, l) => n + l.length, 0);
    assert.ok(inLake > 0, "exports landed rows in the lake");
    const logs = await Promise.all([a!, b!].map((p) => Deno.readTextFile(p.logFile)));
    console.log(JSON.stringify({
      rounds: rounds.map((r) => r.map((x) => x.status)),
      fencedCommits: logs.join("").split("FencedCommitError").length - 1,
      inLake,
      stillStaged: [...contents.staged.values()].reduce((n, l) => n + l.length, 0),
      offsetsChecked: [...ends.values()].reduce((x, y) => x + y, 0),
    }));
    for (const dir of dirs) await Deno.remove(dir, { recursive: true });
  },
});
