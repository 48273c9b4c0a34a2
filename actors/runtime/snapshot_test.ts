import assert from "node:assert/strict";
import { type ActorSnapshot, fullMailboxes, type SupervisorSnapshot } from "./snapshot.ts";

const actor = (name: string, mailboxDepth: number): ActorSnapshot => ({
  kind: "actor",
  name,
  state: "running",
  members: 1,
  running: 1,
  restarts: 0,
  mailboxDepth,
  mailboxCapacity: 2,
  processed: 0,
  deadLetters: 0,
  lastError: null,
});

const supervisor = (
  name: string,
  children: SupervisorSnapshot["children"],
): SupervisorSnapshot => ({
  kind: "supervisor",
  name,
  strategy: "one_for_one",
  state: "running",
  restarts: 0,
  children,
});

Deno.test("full mailboxes are named through nested supervisors; one with room is not", () => {
  const tree = supervisor("pipeline", [
    actor("writer", 2),
    actor("enricher", 2),
    supervisor("ingest", [actor("batcher", 2), actor("consumer", 1)]),
  ]);
  assert.deepEqual(fullMailboxes(tree), ["writer", "enricher", "batcher"]);
  assert.deepEqual(fullMailboxes(supervisor("idle", [actor("writer", 0)])), []);
});
