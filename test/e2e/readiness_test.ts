/**
 * Readiness through the real process (embedded warehouse): `/ready` judges progress, not Kafka
 * timestamps, so records stamped 1970 among normal ones, and a 1,000,000-event backlog stamped an
 * hour ago catching up, keep it 200; and it answers from the first moment of a start, 503
 * "starting: writer: ..." while the writer cannot open the warehouse.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { EXIT_DATA_DIR_IN_USE } from "../../commands/exit_codes.ts";
import { produceEvents } from "../../tools/produce/mod.ts";
import { type PipelineProcess, runPipelineToExit, startPipeline } from "../pipeline_process.ts";
import { metricValue } from "../prometheus.ts";
import { exactlyOnceProblems, queryWarehouse, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, groupLag, pipelineEnv, produce } from "./ingestion_fixture.ts";

/** One `/ready` answer, seconds after the watch began. */
interface Answer {
  readonly atS: number;
  readonly status: number;
  readonly reason: string;
}

/** GETs `/ready` (no token: an open probe on loopback). */
async function ready(p: PipelineProcess): Promise<{ status: number; reason: string }> {
  const response = await fetch(`http://127.0.0.1:${p.controlPort}/ready`);
  const body = await response.json();
  return { status: response.status, reason: body.reason ?? "" };
}

/** Asks `/ready` every `everyMs` until `done` resolves; returns every answer. */
async function watchReady(
  p: PipelineProcess,
  done: Promise<unknown>,
  everyMs = 500,
): Promise<Answer[]> {
  const began = performance.now();
  const answers: Answer[] = [];
  let finished = false;
  const ended = done.finally(() => finished = true);
  while (!finished) {
    answers.push({ atS: (performance.now() - began) / 1000, ...await ready(p) });
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, everyMs))]);
  }
  await ended;
  return answers;
}

/** The answers that were not 200, for an assertion message. */
const notReady = (answers: readonly Answer[]) =>
  JSON.stringify(answers.filter((a) => a.status !== 200).slice(0, 5));

/** Sends one event and one value that is no JSON per partition, stamped 1970-01-01T00:00:01Z. */
async function send1970(brokers: string, topic: string, partitions: number): Promise<number> {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const event = JSON.stringify({ collection: "view_product_detail", product_id: "1970" });
  const messages = Array.from(
    { length: partitions },
    (_, partition) =>
      [event, "not json"].map((value) => ({
        partition,
        timestamp: "1000",
        value: Buffer.from(value),
      })),
  ).flat();
  await producer.send({ topic, messages });
  await producer.disconnect();
  return messages.length;
}

Deno.test({
  name: "/ready stays 200 with records stamped 1970 among normal ones",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-ready-1970", 2);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-ready-1970-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, { READY_STALL_AFTER_MS: "10000" }),
    });
    const started = performance.now();
    const traffic = (async () => {
      await produce(t.brokers, t.topic, 5_000, 0.02);
      const stamped = await send1970(t.brokers, t.topic, 2);
      await produce(t.brokers, t.topic, 2_000, 0);
      // The last batches end with records from 1970: what the mean-latency rule tripped on.
      return stamped + await send1970(t.brokers, t.topic, 2);
    })();
    const during = await watchReady(pipeline, traffic.then(() => caughtUp(t)));
    const ends = await caughtUp(t);
    const after = await watchReady(pipeline, new Promise((r) => setTimeout(r, 3_000)));
    await pipeline.stopExpecting("SIGTERM", 0);
    const seconds = (performance.now() - started) / 1000;

    assert.ok(during.every((a) => a.status === 200), notReady(during));
    assert.ok(after.every((a) => a.status === 200), notReady(after));
    const stamps = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      "SELECT count(*) FROM staging_g1 WHERE _kafka_timestamp_ms = 1000",
    );
    assert.equal(Number(stamps[0]?.[0]), 4, "the 1970 events were staged with their stamp");
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    console.log(JSON.stringify({
      readyAnswers: during.length + after.length,
      all200: true,
      seconds: Math.round(seconds),
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name: "/ready stays 200 while a 1,000,000-event backlog stamped an hour ago catches up",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const EVENTS = 1_000_000;
    const t = await freshTopic("e2e-ready-backlog", 6);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-ready-backlog-" });
    const began = performance.now();
    const anHourAgo = Date.now() - 3_600_000;
    const produced = await produceEvents({
      brokers: [t.brokers],
      sasl: undefined,
      ssl: false,
      topic: t.topic,
      count: EVENTS,
      badFraction: 0.01,
      seed: 13,
      maxInFlight: 4,
      timestampMs: anHourAgo,
    });
    const producedS = (performance.now() - began) / 1000;
    const lagBefore = await groupLag(t);
    assert.equal(lagBefore, EVENTS);
    // Stamps an hour old would fail a timestamp rule at once; the progress rule's window is wide
    // enough that a machine loaded by other suites (a batch every few seconds) is not a stall.
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, { READY_STALL_AFTER_MS: "30000", LOG_LEVEL: "warn" }),
    });
    const startedAt = performance.now();
    let maxLagSeen = 0;
    const done = caughtUp(t, 600_000);
    // What the pipeline itself reported as lag while /ready answered (refreshed every 5 s).
    const watchMetrics = (async () => {
      let finished = false;
      const ended = done.finally(() => finished = true);
      while (!finished) {
        const metrics = await (await pipeline.get("/metrics")).text();
        maxLagSeen = Math.max(maxLagSeen, metricValue(metrics, "pipeline_consumer_lag_messages"));
        await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, 2_000))]);
      }
    })();
    const answers = await watchReady(pipeline, done);
    const catchUpS = (performance.now() - startedAt) / 1000;
    await watchMetrics;
    await pipeline.stopExpecting("SIGTERM", 0);

    assert.ok(answers.every((a) => a.status === 200), notReady(answers));
    assert.ok(answers.length >= 10, `only ${answers.length} answers`);
    assert.ok(maxLagSeen > 10_000, `the pipeline saw a lag of ${maxLagSeen} at most`);
    const [[oldest, newest]] = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      "SELECT min(_kafka_timestamp_ms), max(_kafka_timestamp_ms) FROM staging_g1",
    ) as [[bigint, bigint]];
    assert.deepEqual([Number(oldest), Number(newest)], [anHourAgo, anHourAgo]);
    console.log(JSON.stringify({
      events: EVENTS,
      producedS: Math.round(producedS),
      producedPerS: Math.round(produced.rate),
      catchUpS: Math.round(catchUpS),
      maxLagSeenByPipeline: maxLagSeen,
      readyAnswers: answers.length,
      all200: true,
      totalS: Math.round((performance.now() - began) / 1000),
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name:
    "while the writer cannot open the warehouse at start, /ready answers 503 naming the writer; the DATA_DIR stays locked; a signal ends the start; once it opens, 200",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-ready-start", 1);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-ready-start-" });
    // A warehouse in a folder that does not exist yet: DuckDB cannot open it until it does.
    const later = `${dataDir}/later`;
    const env = pipelineEnv(t, { WAREHOUSE: `duckdb:${later}/warehouse.duckdb` });
    const started = performance.now();
    const first = await startPipeline({ dataDir, env, until: "answering" });
    const answered: Answer[] = [];
    while (true) {
      const answer = await ready(first);
      answered.push({ atS: (performance.now() - started) / 1000, ...answer });
      if (/^starting: writer: .*open the warehouse failed/.test(answer.reason)) break;
      assert.equal(answer.status, 503, JSON.stringify(answer));
      assert.match(answer.reason, /^starting: /);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const stuck = answered.at(-1);
    assert.equal(stuck?.status, 503);
    assert.match(stuck?.reason ?? "", /open the warehouse failed: .*later\/warehouse\.duckdb/);
    const health = await first.get("/health");
    assert.equal(health.status, 503);
    assert.match((await health.json()).reason, /^starting: writer: /);
    const exporting = await fetch(`http://127.0.0.1:${first.controlPort}/export`, {
      method: "POST",
      headers: { authorization: `Bearer ${first.token}` },
    });
    assert.equal(exporting.status, 503);
    assert.match((await exporting.json()).error, /^starting: writer: /);

    // The lock was taken before the control server answered: a second start is refused.
    const second = await runPipelineToExit({ dataDir, env });
    assert.equal(second.code, EXIT_DATA_DIR_IN_USE, second.output.slice(-2000));
    assert.match(second.output, new RegExp(`"pid":${first.pid}`));

    // A signal while a stage cannot start ends the process at once (nothing was consumed).
    const signalled = performance.now();
    await first.stopExpecting("SIGTERM", 0);
    const stopS = (performance.now() - signalled) / 1000;
    const log = await Deno.readTextFile(first.logFile);
    assert.match(log, /"event":"PipelineStoppedWhileStarting".*starting: writer: /);

    // Started again; the folder appears; the writer opens it and the pipeline runs.
    const again = await startPipeline({ dataDir, env, until: "answering" });
    assert.equal((await ready(again)).status, 503);
    await Deno.mkdir(later);
    const opened = performance.now();
    let status = 503;
    while (status !== 200) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      status = (await ready(again)).status;
    }
    const openS = (performance.now() - opened) / 1000;
    await produce(t.brokers, t.topic, 500, 0);
    const ends = await caughtUp(t);
    await again.stopExpecting("SIGTERM", 0);
    const got = await readWarehouse(`${later}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    console.log(JSON.stringify({
      firstAnswer: answered[0],
      stuckAnswer: stuck,
      stopAfterSignalS: stopS,
      readyAfterFolderS: openS,
      seconds: Math.round((performance.now() - started) / 1000),
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
