import assert from "node:assert/strict";
import type { ActorSnapshot, SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import { actorSnapshot as actor, supervisorSnapshot } from "../actors/runtime/snapshot_fixtures.ts";
import { Readiness } from "./readiness.ts";

const tree = (...children: ActorSnapshot[]): SupervisorSnapshot =>
  supervisorSnapshot("pipeline", children);

Deno.test("every stage is a named condition; all fine means ready", () => {
  const r = new Readiness();
  const verdict = r.verdict(tree(actor("writer"), actor("consumer")));
  assert.equal(verdict.ready, true);
  assert.deepEqual(verdict.conditions.map((c) => [c.stage, c.ok]), [["writer", true], [
    "consumer",
    true,
  ]]);
});

Deno.test("a stalled writer makes the pipeline unready, naming the stage, the reason and how long", () => {
  const r = new Readiness();
  r.set(
    "writer",
    "writer",
    "warehouse unreachable: connect ECONNREFUSED 127.0.0.1:9050, retrying",
    "retrying",
    1_000,
  );
  const verdict = r.verdict(tree(actor("writer"), actor("consumer")), 44_000);
  assert.equal(verdict.ready, false);
  assert.equal(
    verdict.reason,
    "writer: warehouse unreachable: connect ECONNREFUSED 127.0.0.1:9050, retrying (for 43 s)",
  );
  assert.deepEqual(verdict.conditions[0], {
    stage: "writer",
    ok: false,
    reason: "warehouse unreachable: connect ECONNREFUSED 127.0.0.1:9050, retrying (for 43 s)",
    sinceMs: 1_000,
    kind: "retrying",
  });
  r.clear("writer");
  assert.equal(r.verdict(tree(actor("writer")), 45_000).ready, true);
});

Deno.test("an actor stuck restarting is a condition with its restarts and last error", () => {
  const r = new Readiness();
  const down = actor("writer", {
    state: "restarting",
    running: 0,
    restarts: 7,
    lastError: "Error: boom",
  });
  r.conditions(tree(down), 10_000);
  const [writer] = r.conditions(tree(down), 25_000);
  assert.equal(writer?.ok, false);
  assert.equal(writer?.sinceMs, 10_000);
  assert.match(
    writer?.reason ?? "",
    /^restarting for 15 s \(0\/1 Workers running, 7 restarts; last error: Error: boom\)$/,
  );
});

Deno.test("stuckSince counts problems a restart may cure, not halted partitions", () => {
  const r = new Readiness();
  r.set("writer/p3", "writer", "partition t/3 halted: topic recreated", "halted", 1_000);
  assert.equal(r.stuckSince(tree(actor("writer")), 100_000), undefined);
  r.set("writer", "writer", "write batch failed: disk full", "retrying", 5_000);
  r.set("writer", "writer", "write batch failed: disk full", "retrying", 9_000);
  const stuck = r.stuckSince(tree(actor("writer")), 100_000);
  assert.deepEqual(stuck, {
    since: 5_000,
    stage: "writer",
    reason: "write batch failed: disk full",
  });
  r.clear("writer");
  const down = actor("consumer", { state: "restarting", running: 0 });
  r.conditions(tree(actor("writer"), down), 50_000);
  assert.equal(r.stuckSince(tree(actor("writer"), down), 60_000)?.since, 50_000);
  const starting = actor("geoip", { state: "starting", running: 0 });
  assert.equal(r.stuckSince(tree(starting), 60_000), undefined, "starting up is not stuck");
});

Deno.test("a problem of a stage that is no actor still shows as its own condition", () => {
  const r = new Readiness();
  r.set("kafka", "kafka", "brokers unreachable", "retrying", 0);
  const verdict = r.verdict(tree(actor("writer")), 1_000);
  assert.deepEqual(verdict.conditions.map((c) => [c.stage, c.ok]), [["writer", true], [
    "kafka",
    false,
  ]]);
});

Deno.test("a derived condition is asked at every look and comes and goes with its probe", () => {
  const r = new Readiness();
  let stuck = true;
  r.derive(
    "progress",
    "retrying",
    () => stuck ? { stage: "writer", reason: "no progress", sinceMs: 2_000 } : undefined,
  );
  const verdict = r.verdict(tree(actor("writer")), 12_000);
  assert.equal(verdict.reason, "writer: no progress (for 10 s)");
  assert.equal(r.stuckSince(tree(actor("writer")), 12_000)?.since, 2_000);
  stuck = false;
  assert.equal(r.verdict(tree(actor("writer")), 13_000).ready, true);
});

Deno.test("while the tree starts, the verdict names the stage being started and its problem", () => {
  const r = new Readiness();
  const starting = (state: SupervisorSnapshot["state"], ...children: ActorSnapshot[]) => ({
    ...tree(...children),
    state,
  });
  assert.equal(
    r.verdict(starting("stopped", actor("writer", { state: "stopped" })), 0).reason,
    "starting: pipeline: not started",
  );
  const r2 = new Readiness();
  r2.set(
    "writer",
    "writer",
    "open the warehouse failed: connect ECONNREFUSED",
    "retrying",
    1_000,
  );
  const opening = starting(
    "starting",
    actor("geoip"),
    actor("writer", { state: "starting", running: 0 }),
    actor("consumer", { state: "stopped", running: 0 }),
  );
  r2.conditions(opening, 1_000);
  const verdict = r2.verdict(opening, 6_000);
  assert.equal(verdict.ready, false);
  assert.equal(
    verdict.reason,
    "starting: writer: open the warehouse failed: connect ECONNREFUSED (for 5 s)",
  );
});

Deno.test("an on-demand actor with no Worker (idle) or one started for a request is fine, and not stuck", () => {
  const r = new Readiness();
  const idle = actor("exporter", { state: "idle", running: 0, onDemand: true });
  const serving = actor("geoip", { state: "running", running: 0, onDemand: true });
  const pipeline = tree(idle, serving, actor("writer"));
  r.conditions(pipeline, 1_000);
  assert.equal(r.verdict(pipeline, 900_000).ready, true);
  assert.equal(r.stuckSince(pipeline, 900_000), undefined);
  const crashLoop = actor("exporter", { state: "restarting", running: 0, onDemand: true });
  r.conditions(tree(crashLoop), 1_000);
  assert.equal(r.stuckSince(tree(crashLoop), 9_000)?.stage, "exporter", "a crash loop still is");
});
