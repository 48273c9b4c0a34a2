/**
 * End-to-end ingestion against the real broker and real DuckDB, through the real pipeline
 * process: every message lands exactly once (staged or dead-lettered), through hostile input,
 * SIGKILLs, a failing writer and a crashing batcher.
 */
import assert from "node:assert/strict";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";
import { actorsOf } from "../../actors/runtime/snapshot.ts";

const kafkaTest = { sanitizeOps: false, sanitizeResources: false };

Deno.test({
  name: "50,000 events with 2% hostile: dead letters with reasons, every other event staged once",
  ...kafkaTest,
  async fn() {
    const t = await freshTopic("e2e-clean");
    const sent = await produce(t.brokers, t.topic, 50_000, 0.02);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-clean-" });
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t) });
    const ends = await caughtUp(t);
    await pipeline.stopExpecting("SIGTERM", 0);

    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    const k = sent.hostileByKind;
    assert.deepEqual(got.deadByCode, {
      not_json: k.not_json,
      not_object: k.not_object,
      not_utf8: k.not_utf8,
    });
    const staged = [...got.staged.values()].reduce((n, list) => n + list.length, 0);
    assert.equal(staged, 50_000 - k.not_json - k.not_object - k.not_utf8);
    assert.ok(got.rowsWithIpProblems >= k.bad_ip, `${got.rowsWithIpProblems} < ${k.bad_ip}`);
    assert.ok(got.rowsWithProblems >= k.wrong_types + k.empty_strings + k.bad_ip);
    assert.ok(got.userAgents > 100 && got.products > 100, JSON.stringify(got.userAgents));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name: "killed with SIGKILL three times during ingestion and restarted: still exactly once",
  ...kafkaTest,
  async fn() {
    const t = await freshTopic("e2e-kill");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-kill-" });
    const env = pipelineEnv(t, { BATCH_MAX_ROWS: "2000" });
    const producing = produce(t.brokers, t.topic, 40_000, 0.02, 5_000);
    // Seeded "random" moments, so a failure can be replayed.
    for (const delayMs of [700, 1_300, 400]) {
      const pipeline = await startPipeline({ dataDir, env });
      await new Promise((resolve) => setTimeout(resolve, delayMs)); // the moment of the crash
      assert.equal((await pipeline.stop("SIGKILL")).signal, "SIGKILL");
    }
    await producing;
    const last = await startPipeline({ dataDir, env });
    const ends = await caughtUp(t);
    await last.stopExpecting("SIGTERM", 0);

    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name:
    "a writer that crashes after every third write and fails every second attempt loses nothing",
  ...kafkaTest,
  async fn() {
    const t = await freshTopic("e2e-faulty");
    await produce(t.brokers, t.topic, 20_000, 0.02);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-faulty-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        BATCH_MAX_ROWS: "1500",
        PIPELINE_TEST_FAULTS: JSON.stringify({ crashAfterEveryNthWrite: 3, failEveryNthWrite: 2 }),
      }),
    });
    const ends = await caughtUp(t);
    const status = await (await pipeline.get("/status")).json();
    const writer = actorsOf(status.supervision).find((c) => c.name === "writer")!;
    assert.ok(writer.restarts >= 2, `writer restarts: ${writer.restarts}`);
    assert.ok(status.events.replayed > 0, "a crashed write must be replayed as a no-op");
    await pipeline.stopExpecting("SIGTERM", 0);

    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name:
    "a batcher that crashes with chunks moved to it: the consumer re-reads them, every event once",
  ...kafkaTest,
  async fn() {
    const t = await freshTopic("e2e-batcher-crash");
    await produce(t.brokers, t.topic, 20_000, 0.02);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-batcher-crash-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        BATCH_MAX_ROWS: "1500",
        LOG_LEVEL: "info",
        PIPELINE_TEST_FAULTS: JSON.stringify({ crashBatcherOnNthChunk: 4 }),
      }),
    });
    const ends = await caughtUp(t);
    const status = await (await pipeline.get("/status")).json();
    const batcher = actorsOf(status.supervision).find((c) => c.name === "batcher")!;
    assert.equal(batcher.restarts, 1);
    await pipeline.stopExpecting("SIGTERM", 0);

    const log = await Deno.readTextFile(pipeline.logFile);
    assert.match(log, /"event":"ActorMessagesLost","actor":"batcher"/);
    assert.match(log, /"event":"SupervisorSiblingRestarted".*"child":"consumer"/);
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    await Deno.remove(dataDir, { recursive: true });
  },
});
