import assert from "node:assert/strict";
import type { ActorSnapshot } from "../actors/runtime/snapshot.ts";
import { actorSnapshot, supervisorSnapshot } from "../actors/runtime/snapshot_fixtures.ts";
import { actorUp, PipelineMetrics } from "./pipeline_metrics.ts";

const actor = (name: string, over: Partial<ActorSnapshot> = {}): ActorSnapshot =>
  actorSnapshot(name, { mailboxCapacity: 1, ...over });

Deno.test("an on-demand actor is up while idle or serving, down while restarting or failed", () => {
  const onDemand = { running: 0, onDemand: true } as const;
  assert.equal(actorUp(actor("geoip", { ...onDemand, state: "idle" })), true);
  assert.equal(actorUp(actor("geoip", { ...onDemand, state: "running" })), true);
  assert.equal(actorUp(actor("geoip", { ...onDemand, state: "restarting" })), false);
  assert.equal(actorUp(actor("geoip", { ...onDemand, state: "failed" })), false);
  assert.equal(
    actorUp(actor("writer", { running: 0 })),
    false,
    "an always-on actor needs its Workers",
  );
});

Deno.test("pipeline_actor_up reads 1 for an idle on-demand actor", () => {
  const tree = supervisorSnapshot("pipeline", [
    actor("exporter", { state: "idle", running: 0, onDemand: true }),
  ]);
  assert.match(new PipelineMetrics().render(tree), /pipeline_actor_up\{actor="exporter"\} 1/);
});
