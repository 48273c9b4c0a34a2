import assert from "node:assert/strict";
import { ActorPool, type PoolSpec } from "./actor_pool.ts";
import { DEFAULT_RESTART_POLICY } from "./restart_policy.ts";
import {
  CALM,
  COUNTER_PROTOCOL,
  type CounterArgs,
  type WorkDone,
} from "./testdata/counter_protocol.ts";

const MODULE = new URL("./testdata/counter_actor.ts", import.meta.url).href;
type In = typeof COUNTER_PROTOCOL.accepts;
type Out = typeof COUNTER_PROTOCOL.emits;
type Asks = typeof COUNTER_PROTOCOL.asks;

/** An on-demand counter pool (idle 0 ms) whose effects and stop hooks land in arrays. */
function onDemandCounter(
  args: Partial<CounterArgs>,
  spec: Partial<PoolSpec<In, Out, Asks>> = {},
  onStopHook: () => void = () => {},
): { pool: ActorPool<In, Out, Asks>; effects: WorkDone[]; stops: string[] } {
  const effects: WorkDone[] = [];
  const stops: string[] = [];
  const pool = new ActorPool<In, Out, Asks>({
    name: "counter",
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: { ...CALM, ...args },
    restart: { ...DEFAULT_RESTART_POLICY, initialDelayMs: 1, maxDelayMs: 20 },
    onFailure: { kind: "drop", after: 3 },
    onDemand: { idleMs: 0 },
    onEmit: (message) => {
      switch (message.type) {
        case "counter.worked":
          effects.push(message.body);
          return;
        case "counter.stopped":
          stops.push(message.body.name);
          onStopHook();
          return;
        case "counter.staged":
          return;
        default:
          message satisfies never;
      }
    },
    ...spec,
  });
  return { pool, effects, stops };
}

/** Resolves once `pool` reports `idle` (its Worker ended), turn by turn of the event loop. */
async function idle(pool: ActorPool<In, Out, Asks>): Promise<void> {
  for (let turn = 0; turn < 10_000; turn++) {
    if (pool.snapshot().state === "idle") return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`The pool did not become idle: ${JSON.stringify(pool.snapshot())}`);
}

Deno.test("an on-demand pool starts its Worker at the first request and ends it once idle", async () => {
  const { pool, effects, stops } = onDemandCounter({});
  await pool.start();
  const before = pool.snapshot();
  assert.equal(before.state, "idle");
  assert.equal(before.running, 0);
  assert.equal(before.onDemand, true);
  assert.deepEqual(await pool.ask("counter.double", { n: 21 }, 10_000), { doubled: 42 });
  await idle(pool);
  assert.deepEqual(stops, ["counter#0"], "the Worker ended through its stop hook");
  assert.equal(pool.snapshot().running, 0);
  await pool.send("counter.work", { n: 1 });
  await pool.drained();
  assert.deepEqual(effects.map((e) => [e.n, e.incarnation]), [[1, 1]], "a new Worker took it");
  await idle(pool);
  const after = pool.snapshot();
  assert.equal(after.restarts, 0, "ending an idle Worker is not a restart");
  assert.equal(after.processed, 2);
  await pool.stop(5_000);
  assert.equal(pool.snapshot().state, "stopped");
});

Deno.test("requests queued together share one Worker, which ends after the last", async () => {
  const { pool, effects, stops } = onDemandCounter({ delayMs: 1 }, { capacity: 1 });
  await pool.start();
  for (let n = 0; n < 5; n++) await pool.send("counter.work", { n });
  await pool.drained();
  await idle(pool);
  assert.deepEqual(effects.map((e) => e.incarnation), [0, 0, 0, 0, 0]);
  assert.deepEqual(stops, ["counter#0"]);
  await pool.stop(5_000);
});

Deno.test("a request that comes while the idle Worker ends is answered by a new Worker", async () => {
  let late: Promise<{ doubled: number }> | undefined;
  const { pool, stops } = onDemandCounter({}, {}, () => {
    // The Worker runs its stop hook: it is ending, and takes nothing more.
    late ??= pool.ask("counter.double", { n: 5 }, 10_000);
  });
  await pool.start();
  await pool.ask("counter.double", { n: 1 }, 10_000);
  await idle(pool);
  assert.ok(late !== undefined, "the request came while the first Worker ended");
  await idle(pool); // the late one started a Worker, which ended in turn
  assert.deepEqual(await late, { doubled: 10 });
  assert.deepEqual(stops, ["counter#0", "counter#0"]);
  await pool.stop(5_000);
});

Deno.test("a crash during a request restarts the Worker, which finishes the request and then ends", async () => {
  const { pool, effects } = onDemandCounter({ poison: 7, poisonUntilIncarnation: 1 });
  await pool.start();
  await pool.send("counter.work", { n: 7 });
  await pool.drained();
  assert.deepEqual(effects.map((e) => [e.n, e.incarnation]), [[7, 1]]);
  await idle(pool);
  const snap = pool.snapshot();
  assert.equal(snap.restarts, 1);
  assert.match(snap.lastError ?? "", /work 7 is poison/);
  await pool.stop(5_000);
});

Deno.test("a request that keeps crashing is given up after 3 crashes, and the next request starts a new Worker", async () => {
  const { pool, effects } = onDemandCounter({ poison: 7 });
  await pool.start();
  await pool.send("counter.work", { n: 7 });
  await pool.drained();
  const gaveUp = pool.snapshot();
  assert.equal(gaveUp.deadLetters, 1);
  assert.equal(gaveUp.restarts, 2, "started again after the 1st and 2nd crash, not the 3rd");
  assert.equal(gaveUp.state, "idle", "nothing waits: no Worker is started for nothing");
  assert.equal(gaveUp.running, 0);
  await pool.send("counter.work", { n: 8 });
  await pool.drained();
  assert.deepEqual(effects.map((e) => [e.n, e.incarnation]), [[8, 3]]);
  await idle(pool);
  await pool.stop(5_000);
});

Deno.test("an ask that keeps crashing its Worker rejects once given up, and the next one is served", async () => {
  let lookups = 0;
  const { pool } = onDemandCounter({}, {
    onAsk: () => {
      if (++lookups <= 3) return Promise.reject(new Error("the lookup is away"));
      return Promise.resolve({ doubled: 6 });
    },
  });
  await pool.start();
  await assert.rejects(pool.ask("counter.relay", { n: 3 }, 10_000), /gave up on counter.relay/);
  assert.equal(pool.snapshot().state, "idle");
  assert.deepEqual(await pool.ask("counter.relay", { n: 3 }, 10_000), { doubled: 6 });
  await pool.stop(5_000);
});

Deno.test("an on-demand pool's stop finishes the request under way, then ends the Worker", async () => {
  const { pool, effects, stops } = onDemandCounter({ delayMs: 20 });
  await pool.start();
  await pool.send("counter.work", { n: 3 });
  await pool.stop(10_000);
  assert.deepEqual(effects.map((e) => e.n), [3]);
  assert.deepEqual(stops, ["counter#0"]);
  assert.equal(pool.snapshot().state, "stopped");
});

Deno.test("once its stop has begun an idle on-demand pool starts no Worker: a request is refused", async () => {
  const { pool, stops } = onDemandCounter({});
  await pool.start();
  pool.beginStop();
  const refused = pool.ask("counter.double", { n: 1 }, 10_000);
  await pool.stop(10_000);
  await assert.rejects(refused, /stopped before it answered/);
  assert.deepEqual(stops, [], "no Worker was started");
});

Deno.test("a restart of the whole on-demand pool (its supervisor's) leaves it idle, or serving what waits", async () => {
  const { pool } = onDemandCounter({});
  await pool.start();
  pool.restartAll();
  assert.equal(pool.snapshot().state, "idle");
  await pool.send("counter.hang", {});
  const waiting = pool.ask("counter.double", { n: 4 }, 10_000);
  pool.restartAll(); // the hanging message and the ask go to a new Worker
  assert.notEqual(pool.snapshot().state, "idle", "a Worker starts for what waits");
  await pool.stop(50);
  await assert.rejects(waiting, /stopped before it answered/);
});
