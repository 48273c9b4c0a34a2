/**
 * Shutdown through the real process with a writer that never finishes (test fault
 * `hangOnNthWrite`): SIGTERM stops the pipeline within `STOP_DEADLINE_MS` (what is durable stays
 * committed, the rest is cut), and a second signal ends it at once; after a restart without the
 * fault every event is stored exactly once.
 */
import assert from "node:assert/strict";
import { EXIT_INTERRUPTED } from "../../commands/exit_codes.ts";
import { type PipelineProcess, startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const EVENTS = 6_000;
const HANGING = JSON.stringify({ hangOnNthWrite: 2 });
/** Small batches, so the hanging write comes early, with more batches behind it. */
const SMALL_BATCHES = { BATCH_MAX_ROWS: "500" };

/** Resolves once the process's log holds `event` (the log is a file the process appends to). */
async function logged(p: PipelineProcess, event: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await Deno.readTextFile(p.logFile)).includes(`"event":"${event}"`)) {
    if (Date.now() > deadline) {
      throw new Error(`No ${event} in ${p.logFile} within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the pipeline again without the fault and checks every event is stored once. */
async function restartedExactlyOnce(
  t: Awaited<ReturnType<typeof freshTopic>>,
  dataDir: string,
): Promise<void> {
  const again = await startPipeline({ dataDir, env: pipelineEnv(t) });
  const ends = await caughtUp(t);
  await again.stopExpecting("SIGTERM", 0);
  const stored = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
  assert.deepEqual(exactlyOnceProblems(stored, ends), []);
}

Deno.test({
  name:
    "a writer that never finishes: SIGTERM exits within the stop deadline, and a restart stores every event once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-stop-deadline");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-stop-deadline-" });
    const deadlineMs = 4_000;
    await produce(t.brokers, t.topic, EVENTS, 0.02);
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        ...SMALL_BATCHES,
        PIPELINE_TEST_FAULTS: HANGING,
        STOP_DEADLINE_MS: String(deadlineMs),
        LOG_LEVEL: "info",
      }),
    });
    await logged(pipeline, "WriterHangingForTest");
    const asked = performance.now();
    await pipeline.stopExpecting("SIGTERM", 0);
    const tookMs = performance.now() - asked;
    assert.ok(tookMs < deadlineMs + 2_000, `stopped in ${Math.round(tookMs)} ms`);
    const log = await Deno.readTextFile(pipeline.logFile);
    assert.match(log, /"event":"PipelineDrainIncomplete".*did not (answer|finish)/);
    assert.match(log, /"event":"PipelineStopped"/);
    await restartedExactlyOnce(t, dataDir);
    console.log(JSON.stringify({ events: EVENTS, deadlineMs, stoppedInMs: Math.round(tookMs) }));
    await Deno.remove(dataDir, { recursive: true });
  },
});

Deno.test({
  name:
    "a second SIGTERM during a stuck drain exits at once, and a restart stores every event once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-second-signal");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-second-signal-" });
    await produce(t.brokers, t.topic, EVENTS, 0.02);
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        ...SMALL_BATCHES,
        PIPELINE_TEST_FAULTS: HANGING,
        STOP_DEADLINE_MS: "600000",
        LOG_LEVEL: "info",
      }),
    });
    await logged(pipeline, "WriterHangingForTest");
    Deno.kill(pipeline.pid, "SIGTERM");
    await logged(pipeline, "PipelineStopping");
    const asked = performance.now();
    await pipeline.stopExpecting("SIGTERM", EXIT_INTERRUPTED);
    const tookMs = performance.now() - asked;
    assert.ok(tookMs < 2_000, `exited ${Math.round(tookMs)} ms after the second signal`);
    assert.match(await Deno.readTextFile(pipeline.logFile), /"event":"PipelineStopForced"/);
    await restartedExactlyOnce(t, dataDir);
    console.log(JSON.stringify({ events: EVENTS, exitedInMs: Math.round(tookMs) }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
