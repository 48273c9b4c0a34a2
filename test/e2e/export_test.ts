/**
 * Export through the real pipeline process and the real `deno task export` command: exports
 * while events stream in leave every event in exactly one place (lake, staging or dead letters),
 * the exporter (on demand) is idle and ready between exports and a stop while one runs finishes
 * it, a generation an earlier run left sealed is exported at the next start (and a start with none
 * starts no exporter Worker), and with no pipeline the command says so and exits 3.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { seal } from "../../actors/writer/duckdb/generations.ts";
import { freePorts } from "../free_port.ts";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

/** Runs `main.ts export` as a user would, against a control port and token. */
async function exportCommand(dataDir: string, port: number, token: string) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-env", "--allow-read", "--allow-net=127.0.0.1", MAIN, "export"],
    env: { DATA_DIR: dataDir, CONTROL_PORT: String(port), CONTROL_TOKEN: token },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const decode = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: decode(out.stdout), stderr: decode(out.stderr) };
}

Deno.test({
  name: "exports while 20,000 events stream in, and two at once, leave every event in one place",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-export");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-export-" });
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t) });
    const producing = produce(t.brokers, t.topic, 20_000, 0.02, 5_000);
    const exported: number[] = [];
    for (let round = 0; round < 2; round++) {
      // Wait for some rows, then export while the producer keeps sending.
      while ((await (await pipeline.get("/status")).json()).events.staged <= round * 8_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      const result = await exportCommand(dataDir, pipeline.controlPort, pipeline.token);
      assert.equal(result.code, 0, result.stderr);
      const report = JSON.parse(result.stdout);
      assert.ok(report.rows > 0 && report.files > 0 && report.bytes > 0, result.stdout);
      exported.push(report.rows);
    }
    const sent = await producing;
    assert.ok(sent.sent === 20_000);
    const ends = await caughtUp(t);
    // Two exports asked for at once run one after the other, never over the same generation.
    const both = await Promise.all(
      [0, 1].map(() => exportCommand(dataDir, pipeline.controlPort, pipeline.token)),
    );
    const reports = both.map((r) => {
      assert.equal(r.code, 0, r.stderr);
      return JSON.parse(r.stdout) as { generations: number[]; rows: number };
    });
    const [g1, g2] = reports.map((r) => new Set(r.generations)) as [Set<number>, Set<number>];
    assert.ok([...g1].every((g) => !g2.has(g)), JSON.stringify(reports));
    exported.push(...reports.map((r) => r.rows));
    await pipeline.stopExpecting("SIGTERM", 0);

    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic, `${dataDir}/lake`);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    const inLake = [...got.exported.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(inLake, exported.reduce((a, b) => a + b, 0));
    assert.deepEqual(got.orphans, []);
    await Deno.remove(dataDir, { recursive: true });
  },
});

/** The exporter's and geoip actor's entries of `/status`'s supervision tree. */
async function onDemandActors(pipeline: { get(path: string): Promise<Response> }) {
  const status = await (await pipeline.get("/status")).json() as {
    supervision: {
      children: { name: string; state: string; mailboxDepth: number; processed: number }[];
    };
  };
  const named = (name: string) => status.supervision.children.find((c) => c.name === name);
  return { exporter: named("exporter"), geoip: named("geoip") };
}

Deno.test({
  name:
    "on demand, the exporter is idle and ready between exports, and a SIGTERM while one runs finishes it",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-export-stop");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-export-stop-" });
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t) });
    const sent = await produce(t.brokers, t.topic, 60_000, 0.02);
    assert.equal(sent.sent, 60_000);
    const ends = await caughtUp(t);
    // Nothing sealed at start: no export then; geoip checks after a minute.
    while ((await onDemandActors(pipeline)).exporter?.state !== "idle") {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.equal((await onDemandActors(pipeline)).geoip?.state, "idle");
    const ready = await pipeline.get("/ready");
    assert.equal(ready.status, 200, await ready.text());
    const exporting = exportCommand(dataDir, pipeline.controlPort, pipeline.token);
    let answered = false;
    exporting.finally(() => answered = true);
    let seen = false;
    while (!seen) {
      assert.ok(!answered, "the export ended before it was seen running: export more rows");
      const { exporter } = await onDemandActors(pipeline);
      seen = exporter?.state === "running" && exporter.mailboxDepth === 1;
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 5));
    }
    await pipeline.stopExpecting("SIGTERM", 0);
    const result = await exporting;
    assert.equal(result.code, 0, `the drain finishes the export under way: ${result.stderr}`);
    const report = JSON.parse(result.stdout) as { rows: number };
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic, `${dataDir}/lake`);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    const inLake = [...got.exported.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(inLake, report.rows);
    assert.ok(report.rows > 0);
    assert.deepEqual(got.orphans, []);
    await Deno.remove(dataDir, { recursive: true });
  },
});

/** Seals the open generation of a stopped pipeline's warehouse, as an export cut short after it. */
async function sealOpenGeneration(dbPath: string): Promise<number> {
  const instance = await DuckDBInstance.create(dbPath);
  const db = await instance.connect();
  try {
    const [[open] = []] = (await db.runAndReadAll(
      "SELECT generation FROM staging_generations WHERE state = 'open'",
    )).getRowsJS();
    return (await seal(db, Number(open))).rowCount;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

Deno.test({
  name:
    "a start with nothing sealed starts no exporter Worker; a generation an earlier run left sealed is exported at the next start",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-export-resume");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-export-resume-" });
    const first = await startPipeline({ dataDir, env: pipelineEnv(t) });
    assert.equal((await produce(t.brokers, t.topic, 5_000, 0)).sent, 5_000);
    const ends = await caughtUp(t);
    const idle = (await onDemandActors(first)).exporter;
    assert.deepEqual([idle?.state, idle?.processed], ["idle", 0], "no export at start");
    await first.stopExpecting("SIGTERM", 0);
    const sealedRows = await sealOpenGeneration(`${dataDir}/warehouse.duckdb`);
    assert.equal(sealedRows, 5_000);

    const second = await startPipeline({ dataDir, env: pipelineEnv(t) });
    let exporter = (await onDemandActors(second)).exporter;
    while (!(exporter?.processed === 1 && exporter.state === "idle")) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      exporter = (await onDemandActors(second)).exporter;
    }
    await second.stopExpecting("SIGTERM", 0);
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic, `${dataDir}/lake`);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    const inLake = [...got.exported.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(inLake, 5_000, "the sealed generation is in the lake, without an export asked");
    assert.deepEqual(got.orphans, []);
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test("export with no pipeline running exits 3 and says how to start one", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "e2e-export-none-" });
  const [port] = freePorts(1) as [number];
  const result = await exportCommand(dataDir, port, "some-token-of-at-least-32-characters");
  assert.equal(result.code, 3);
  assert.match(result.stderr, /No pipeline answers on http:\/\/127\.0\.0\.1:\d+\/export: start it/);
  await Deno.remove(dataDir, { recursive: true });
});
