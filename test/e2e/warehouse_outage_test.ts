/**
 * Warehouse outages end to end, on the BigQuery emulator, through the real pipeline process, with
 * 50,000 events streaming in: (a) the emulator reached through a loopback proxy that refuses, then
 * resets, every connection for 60 s; (b) the emulator process stopped with SIGSTOP for 60 s, so
 * requests hang until their time cap. During each stall `/ready` answers 503 naming the writer
 * and why (its own report, and once READY_STALL_AFTER_MS passed, that no batch was written while
 * work waited in its mailbox), the group's lag grows; afterwards the pipeline resumes by itself,
 * the lag falls to 0, `/ready` answers 200, and every offset is exactly once over staging and
 * dead letters.
 */
import assert from "node:assert/strict";
import { testBigQuery } from "../emulators/bigquery_emulator.ts";
import { emulatorClient, readBigQuery } from "../bigquery_probe.ts";
import { startPipeline } from "../pipeline_process.ts";
import { metricValue } from "../prometheus.ts";
import { startTcpProxy } from "../tcp_proxy.ts";
import { exactlyOnceProblems } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, groupLag, pipelineEnv, produce } from "./ingestion_fixture.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const bq = await testBigQuery();
const OUTAGE_MS = 60_000;
const EVENTS = 50_000;
/** Produced before the outage begins; the rest is produced during it. */
const EVENTS_BEFORE = 10_000;

interface Outage {
  /** Starts the outage half way (`second` false) and at its middle (`second` true). */
  readonly during: (second: boolean) => Promise<void>;
  readonly end: () => Promise<void>;
}

/** Runs the pipeline on `endpoint` through an outage; returns what was seen, for the report. */
async function throughOutage(label: string, endpoint: string, outage: Outage, env = {}) {
  const t = await freshTopic(`e2e-${label}`);
  const dataset = `e2e_${label.replaceAll("-", "_")}_${crypto.randomUUID().slice(0, 8)}`;
  const dataDir = await Deno.makeTempDir({ prefix: `e2e-${label}-` });
  const t0 = Date.now();
  const phase: Record<string, number> = {};
  const pipeline = await startPipeline({
    dataDir,
    env: pipelineEnv(t, {
      WAREHOUSE: `bigquery:${bq.projectId}.${dataset}`,
      BIGQUERY_ENDPOINT: endpoint,
      METADATA_SERVER_DETECTION: "none",
      BATCH_MAX_ROWS: "5000",
      READY_STALL_AFTER_MS: "10000",
      LOG_LEVEL: "info",
      ...env,
    }),
  });
  phase.startS = (Date.now() - t0) / 1000;
  // A first part before the outage, the rest during it: the lag must grow by what is produced
  // while nothing can be written, however slowly the pipeline took the first part.
  const beforeOutage = produce(t.brokers, t.topic, EVENTS_BEFORE, 0.02, 2_500);
  while ((await (await pipeline.get("/status")).json()).events.staged < 5_000) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await beforeOutage;
  phase.firstBatchesS = (Date.now() - t0) / 1000;
  await outage.during(false);
  const lagAtStart = await groupLag(t);
  const began = Date.now();
  let producedAll = false;
  const producing = produce(t.brokers, t.topic, EVENTS - EVENTS_BEFORE, 0.02, 2_500)
    .then(() => producedAll = true);
  const answers: { atS: number; status: number; reason: string }[] = [];
  let maxLag = lagAtStart;
  let pausedSeen = 0;
  let stalledGauge = 0;
  let health: { live?: boolean; stalled?: { stage: string }[] } = {};
  let switched = false;
  // Watch the stall for the length of the outage, as an operator's probes would, and at least
  // until everything is produced.
  while (Date.now() - began < OUTAGE_MS || !producedAll) {
    if (!switched && Date.now() - began >= OUTAGE_MS / 2) {
      switched = true;
      await outage.during(true);
    }
    const ready = await pipeline.get("/ready");
    const body = await ready.json();
    answers.push({
      atS: Math.round((Date.now() - began) / 1000),
      status: ready.status,
      reason: body.reason ?? "",
    });
    const metrics = await (await pipeline.get("/metrics")).text();
    pausedSeen = Math.max(pausedSeen, metricValue(metrics, "pipeline_consumer_partition_paused"));
    stalledGauge = Math.max(
      stalledGauge,
      metricValue(metrics, "pipeline_stage_stalled", { stage: "writer" }),
    );
    if (ready.status === 503) health = await (await pipeline.get("/health")).json();
    maxLag = Math.max(maxLag, await groupLag(t));
    await new Promise((resolve) => setTimeout(resolve, 2_000));
  }
  maxLag = Math.max(maxLag, await groupLag(t));
  await outage.end();
  const ended = Date.now();
  await producing;
  const ends = await caughtUp(t, 300_000);
  const recoveredS = Math.round((Date.now() - ended) / 1000);
  const metrics = await (await pipeline.get("/metrics")).text();
  const after = await pipeline.get("/ready");
  const afterBody: { ready: boolean; reason?: string } = await after.json();
  await pipeline.stopExpecting("SIGTERM", 0);
  phase.stoppedS = (Date.now() - t0) / 1000;

  const stalls = answers.filter((a) => a.status === 503);
  assert.ok(stalls.length >= answers.length / 2, JSON.stringify(answers));
  assert.ok(stalls.every((a) => a.reason.startsWith("writer: ")), JSON.stringify(stalls));
  // Progress stopped: the writer held a batch and wrote none for READY_STALL_AFTER_MS.
  const noProgress = stalls.filter((a) =>
    /no progress: \d+ messages wait in its mailbox/.test(a.reason)
  );
  assert.ok(noProgress.length > 0, JSON.stringify(stalls));
  assert.equal(stalledGauge, 1);
  assert.ok(pausedSeen > 0, "the consumer paused partitions while the writer stalled");
  assert.ok(maxLag > lagAtStart + 10_000, `lag ${lagAtStart} -> ${maxLag}`);
  // Ready again once the backlog is worked off (its age plays no part).
  assert.equal(after.status, 200, JSON.stringify(afterBody));
  assert.ok(health.live === true && health.stalled?.some((s) => s.stage === "writer"));
  const failedAttempts = metricValue(metrics, "pipeline_write_attempts_failed_total");
  assert.ok(failedAttempts > 0);
  const got = await readBigQuery(emulatorClient(bq.endpoint, bq.projectId), dataset, t.topic);
  assert.deepEqual(exactlyOnceProblems(got, ends), []);
  phase.verifiedS = (Date.now() - t0) / 1000;
  const figures = {
    phase,
    label,
    events: EVENTS,
    offsetsChecked: [...ends.values()].reduce((a, b) => a + b, 0),
    firstNotReadyS: stalls[0]?.atS,
    firstNoProgressS: noProgress[0]?.atS,
    readyAnswers: `${stalls.length} of ${answers.length} were 503`,
    sampleReason: stalls.at(-1)?.reason,
    lag: { atStart: lagAtStart, max: maxLag, end: await groupLag(t) },
    recoveredS,
    failedAttempts,
    stalls: metricValue(metrics, "pipeline_stalls_total", { stage: "writer" }),
  };
  console.log(JSON.stringify(figures));
  await Deno.remove(dataDir, { recursive: true });
}

Deno.test({
  name:
    "the warehouse refusing, then resetting, every connection for 60 s: /ready says the writer is stuck and why; exactly once after",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const target = new URL(bq.endpoint);
    const proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port) });
    try {
      await throughOutage("refused", proxy.endpoint, {
        during: (second) => proxy.setMode(second ? "reset" : "refuse"),
        end: () => proxy.setMode("forward"),
      });
      assert.ok(proxy.reset > 0, "connections were reset in the second half");
    } finally {
      await proxy.close();
    }
  },
});

Deno.test({
  name:
    "the warehouse frozen (SIGSTOP) for 60 s: requests time out and are retried, /ready names the writer; exactly once after",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    let stopped = false;
    try {
      await throughOutage("frozen", bq.endpoint, {
        during: (second) => {
          if (!second) {
            Deno.kill(bq.pid, "SIGSTOP");
            stopped = true;
          }
          return Promise.resolve();
        },
        end: () => {
          Deno.kill(bq.pid, "SIGCONT");
          stopped = false;
          return Promise.resolve();
        },
      }, { WAREHOUSE_TIMEOUT_MS: "5000" });
    } finally {
      if (stopped) Deno.kill(bq.pid, "SIGCONT");
    }
  },
});
