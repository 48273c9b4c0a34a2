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
  const root = new Supervisor({ name: "root" });
  const tree = root.add(new Supervisor({ name: "stages" }));
  tree.add(pool("first", {}, events));
  tree.add(pool("second", {}, events));
  root.add(pool("third", {}, events));
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
  const parent = new Supervisor({ name: "parent", maxRestarts: 1 });
  const child = parent.add(pool("flaky", { failInit: true }, events));
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
