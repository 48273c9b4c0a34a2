import assert from "node:assert/strict";
import { ActorPool } from "./actor_pool.ts";
import { Supervisor } from "./supervisor.ts";
import { actorsOf } from "./snapshot.ts";
import { CALM, COUNTER_PROTOCOL, type CounterArgs } from "./testdata/counter_protocol.ts";

const MODULE = new URL("./testdata/counter_actor.ts", import.meta.url).href;
const QUICK = { initialDelayMs: 1, maxDelayMs: 5, jitter: 0, maxRestarts: 2, withinMs: 60_000 };

function pool(name: string, args: Partial<CounterArgs>, events: string[]) {
  return new ActorPool({
    name,
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: { ...CALM, ...args },
    restart: QUICK,
    onFailure: { kind: "drop", after: 3 },
    onEmit: (m) => {
      if (m.type === "counter.stopped") events.push(`stopped ${m.body.name}`);
    },
  });
}

Deno.test("children start in order and stop in reverse order", async () => {
  const events: string[] = [];
  const tree = new Supervisor({
    name: "stages",
    strategy: "one_for_one",
    children: [{ child: pool("first", {}, events) }, { child: pool("second", {}, events) }],
  });
  const root = new Supervisor({
    name: "root",
    strategy: "one_for_one",
    children: [{ child: tree }, { child: pool("third", {}, events) }],
  });
  await root.start();
  const snap = root.snapshot();
  assert.deepEqual(actorsOf(snap).map((a) => [a.name, a.state]), [
    ["first", "running"],
    ["second", "running"],
    ["third", "running"],
  ]);
  await root.stop(5_000);
  assert.deepEqual(events, ["stopped third#0", "stopped second#0", "stopped first#0"]);
  assert.equal(root.snapshot().state, "stopped");
});

Deno.test("a child past its intensity is restarted by its supervisor, then escalates further", async () => {
  const events: string[] = [];
  const child = pool("flaky", { failInit: true }, events);
  const parent = new Supervisor({
    name: "parent",
    strategy: "one_for_one",
    maxRestarts: 1,
    children: [{ child }],
  });
  const escalated = Promise.withResolvers<Error>();
  parent.onEscalate = (error) => escalated.resolve(error);
  const started = parent.start().then(() => "started", (e: Error) => e.message);
  const error = await escalated.promise;
  await parent.stop(1_000);
  assert.match(await started, /"flaky" stopped before it was ready/);
  assert.match(error.message, /Supervisor "parent" gave up after 1 restarts/);
  assert.match(String((error.cause as Error).message), /"flaky" restarted more than 2 times/);
  assert.equal(parent.snapshot().restarts, 1);
  assert.equal(child.snapshot().state, "stopped");
});

Deno.test("at the root, escalation ends the process with exit 1 and one clear log line", async () => {
  const script = new URL("./testdata/root_escalation.ts", import.meta.url);
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "--allow-read", "--allow-env", script.pathname],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const lines = new TextDecoder().decode(out.stderr).split("\n");
  const fatal = lines.filter((l) => l.includes("SupervisorEscalatedToRoot"));
  assert.equal(out.code, 1);
  assert.equal(fatal.length, 1);
  const line = JSON.parse(fatal[0] ?? "{}");
  assert.match(line.cause, /"doomed" restarted more than 2 times.*counter cannot start/);
});

/** A counter pool that records the incarnation of the Worker that did each piece of work. */
function observed(name: string, args: Partial<CounterArgs>, incarnations: number[]) {
  return new ActorPool({
    name,
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: { ...CALM, ...args },
    restart: QUICK,
    onFailure: { kind: "drop", after: 1 },
    onEmit: (m) => {
      if (m.type === "counter.worked") incarnations.push(m.body.incarnation);
    },
  });
}

Deno.test("rest_for_one: a child that replaced a Worker restarts the children after it, not before", async () => {
  const seen = { before: [] as number[], after: [] as number[] };
  const before = observed("before", {}, seen.before);
  const flaky = observed("flaky", { poison: 7 }, []);
  const after = observed("after", {}, seen.after);
  const tree = new Supervisor({
    name: "ingest",
    strategy: "rest_for_one",
    children: [{ child: before }, { child: flaky }, { child: after }],
  });
  // Heard after the supervisor's own reaction to the restart (it set the hook first).
  const replaced = Promise.withResolvers<void>();
  const react = flaky.onRestarted;
  flaky.onRestarted = () => {
    react();
    replaced.resolve();
  };
  await tree.start();
  try {
    await flaky.send("counter.work", { n: 7 }); // throws: its Worker is replaced, the work dropped
    await replaced.promise;
    for (const p of [before, after]) {
      await p.send("counter.work", { n: 1 });
      await p.drained();
    }
    assert.equal(flaky.snapshot().restarts, 1);
    assert.deepEqual(seen.before, [0], "a child started before the failing one keeps its Worker");
    assert.deepEqual(seen.after, [1], "a child started after it got a new Worker");
  } finally {
    await tree.stop(5_000);
  }
});

Deno.test("a temporary child that gives up is stopped for good and the tree goes on", async () => {
  const events: string[] = [];
  const steady = pool("steady", {}, events);
  const doomed = pool("doomed", { failInit: true }, events);
  const gaveUp = Promise.withResolvers<Error>();
  const root = new Supervisor({
    name: "root",
    strategy: "one_for_one",
    maxRestarts: 0,
    children: [
      { child: steady },
      { child: doomed, restart: "temporary", onGiveUp: (error) => gaveUp.resolve(error) },
    ],
  });
  root.onEscalate = (error) => gaveUp.reject(new Error("escalated", { cause: error }));
  const started = root.start().catch((e: Error) => e.message);
  const error = await gaveUp.promise;
  assert.match(error.message, /"doomed" restarted more than 2 times/);
  assert.match(String(await started), /"doomed" stopped before it was ready/);
  assert.deepEqual(await steady.ask("counter.double", { n: 4 }, 5_000), { doubled: 8 });
  const snap = root.snapshot();
  assert.equal(snap.children[1]?.temporary, true);
  assert.equal(snap.children[1]?.state, "stopped");
  assert.deepEqual(actorsOf(snap, { permanentOnly: true }).map((a) => a.name), ["steady"]);
  await root.stop(5_000);
});

Deno.test("a child's shutdown time caps its stop inside the supervisor's deadline", async () => {
  const events: string[] = [];
  const hanging = pool("hanging", {}, events);
  const root = new Supervisor({
    name: "root",
    strategy: "one_for_one",
    children: [{ child: hanging, shutdownMs: 100 }],
  });
  await root.start();
  void hanging.send("counter.hang", {});
  const started = performance.now();
  await root.stop(10_000);
  const took = performance.now() - started;
  assert.ok(took < 2_000, `stopped in ${took.toFixed(0)} ms, not the supervisor's 10 s`);
  assert.equal(hanging.snapshot().state, "stopped");
});

Deno.test("a sender whose receiver the tree stops first ends with the stop: not a crash, not restarted, nothing redone", async () => {
  const routed: number[] = [];
  const poisoned: number[] = [];
  const blocked = Promise.withResolvers<void>();
  // Holds what it gets forever, one message at a time: its sender's next message waits for room.
  const receiver = new ActorPool({
    name: "receiver",
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: CALM,
    capacity: 1,
    restart: QUICK,
    onFailure: { kind: "redeliver" },
  });
  const sender = new ActorPool({
    name: "sender",
    module: MODULE,
    protocol: COUNTER_PROTOCOL,
    args: CALM,
    restart: QUICK,
    onFailure: {
      kind: "poison",
      after: 1,
      onPoison: (letter) => Promise.resolve(void poisoned.push(letter.attempts)),
    },
    onEmit: (m) => {
      if (m.type !== "counter.worked") return;
      routed.push(m.body.n);
      if (routed.length === 2) blocked.resolve();
      return receiver.send("counter.hang", {});
    },
  });
  // The receiver is started after its sender, so it is stopped first (as the ingest supervisor's
  // batcher is, before the enrichers that send to it), and cut at once (a stop past its deadline).
  const tree = new Supervisor({
    name: "stages",
    strategy: "one_for_one",
    children: [{ child: sender }, { child: receiver, shutdownMs: 0 }],
  });
  await tree.start();
  for (const n of [1, 2, 3]) await sender.send("counter.work", { n });
  await blocked.promise; // 2 waits for the receiver's room; 3 waits in its Worker for credit
  await tree.stop(60_000); // the sender's Worker ends when the receiver closes; nothing to wait for
  const snap = sender.snapshot();
  assert.equal(snap.state, "stopped");
  assert.equal(snap.running, 0);
  assert.equal(snap.restarts, 0, "no Worker was started after the stop began");
  assert.equal(snap.lastError, null, "stopped during shutdown, not crashed");
  assert.deepEqual(routed, [1, 2], "nothing was handled again");
  assert.deepEqual(poisoned, [], "the message it held is not blamed for the stop");
  assert.equal(tree.snapshot().restarts, 0);
});
