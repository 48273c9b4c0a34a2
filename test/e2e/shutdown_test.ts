/**
 * Shutdown through the real process with a writer that never finishes (test fault
 * `hangOnNthWrite`): SIGTERM stops the pipeline within `STOP_DEADLINE_MS` (what is durable stays
 * committed, the rest is cut, and no actor crashes or restarts while the tree stops), and a second
 * signal ends it at once; after a restart without the fault every event is stored exactly once.
 */
import assert from "node:assert/strict";
import { isRecord } from "../../actors/runtime/guards.ts";
import { EXIT_INTERRUPTED } from "../../commands/exit_codes.ts";
import { type PipelineProcess, startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const EVENTS = 6_000;
const HANGING = JSON.stringify({ hangOnNthWrite: 2 });
/** Small batches, so the hanging write comes early, with more batches behind it. */
const SMALL_BATCHES = { BATCH_MAX_ROWS: "500" };
/**
 * Small chunks too, so what is in flight behind the hanging write (a few thousand events) fills
 * every mailbox: the enricher is sending to the full batcher when the stop cuts the drain.
 */
const SMALL_CHUNKS = { CHUNK_SIZE: "100" };
/** Log events of an actor crashing, restarting or giving work up: none while the tree stops. */
const TROUBLE =
  /"event":"(ActorCrashed|SupervisorChildRestarted|SupervisorSiblingRestarted|ActorMessagesLost|ActorMessagePoisoned|ActorMessageDropped)"/;

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

/** Names of the actors whose mailbox is full in a `/status` answer's supervision tree. */
function fullActors(node: unknown): string[] {
  if (!isRecord(node)) return [];
  if (node.kind === "actor") {
    const full = typeof node.mailboxDepth === "number" &&
      typeof node.mailboxCapacity === "number" && node.mailboxDepth >= node.mailboxCapacity;
    return full && typeof node.name === "string" ? [node.name] : [];
  }
  return Array.isArray(node.children) ? node.children.flatMap(fullActors) : [];
}

/**
 * Resolves once what is in flight behind the hanging write fills the batcher's and the enricher's
 * mailboxes (they stay full: nothing moves past the writer).
 */
async function backedUp(p: PipelineProcess, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const status: unknown = await (await p.get("/status")).json();
    const full = fullActors(isRecord(status) ? status.supervision : undefined);
    if (full.includes("batcher") && full.includes("enricher")) return;
    if (Date.now() > deadline) {
      throw new Error(`The batcher and the enricher were not both full within ${timeoutMs} ms`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/**
 * Starts the pipeline again without the fault, stops it once caught up, and checks every event is
 * stored once and nothing crashed or restarted on the way.
 */
async function restartedExactlyOnce(
  t: Awaited<ReturnType<typeof freshTopic>>,
  dataDir: string,
): Promise<void> {
  const again = await startPipeline({ dataDir, env: pipelineEnv(t) });
  const ends = await caughtUp(t);
  await again.stopExpecting("SIGTERM", 0);
  const log = await Deno.readTextFile(again.logFile);
  assert.deepEqual(log.split("\n").filter((line) => TROUBLE.test(line)), []);
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
        ...SMALL_CHUNKS,
        PIPELINE_TEST_FAULTS: HANGING,
        STOP_DEADLINE_MS: String(deadlineMs),
        LOG_LEVEL: "info",
      }),
    });
    await logged(pipeline, "WriterHangingForTest");
    await backedUp(pipeline);
    const asked = performance.now();
    await pipeline.stopExpecting("SIGTERM", 0);
    const tookMs = performance.now() - asked;
    assert.ok(tookMs < deadlineMs + 2_000, `stopped in ${Math.round(tookMs)} ms`);
    const log = await Deno.readTextFile(pipeline.logFile);
    assert.match(log, /"event":"PipelineDrainIncomplete".*did not (answer|finish)/);
    // It says what was backed up behind the hanging writer.
    assert.match(log, /"event":"PipelineDrainIncomplete".*"fullMailboxes":\[[^\]]*"batcher"/);
    assert.match(log, /"event":"PipelineStopped"/);
    // The cut found the enricher sending to the batcher, which the tree stops first: it ended
    // with the stop, not as a crash, and no Worker was started again.
    assert.match(
      log,
      /"event":"ActorStoppedDuringShutdown","actor":"enricher".*"batcher\\" is stopping/,
    );
    assert.deepEqual(log.split("\n").filter((line) => TROUBLE.test(line)), []);
    // The drain left the actors their share of the deadline. The consumer, parked behind the full
    // enrichers (backed up from the hanging writer), lets its emits go and stops in it (it leaves
    // its group); the hanging writer is the one named; geoip, stopped after it, is given no time:
    // it stops at once or is ended without a warning (`ActorTerminatedAtDeadline`, at info).
    const timedOut = [...log.matchAll(/"event":"ActorStopTimedOut","actor":"(\w+)"/g)];
    assert.deepEqual(timedOut.map((m) => m[1]), ["writer"]);
    assert.match(log, /"event":"ActorEmitsAbandonedAtStop","actor":"consumer"/);
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
