import assert from "node:assert/strict";
import { fullMailboxes } from "./snapshot.ts";
import { actorSnapshot, supervisorSnapshot as supervisor } from "./snapshot_fixtures.ts";

const actor = (name: string, mailboxDepth: number) => actorSnapshot(name, { mailboxDepth });

Deno.test("full mailboxes are named through nested supervisors; one with room is not", () => {
  const tree = supervisor("pipeline", [
    actor("writer", 2),
    actor("enricher", 2),
    supervisor("ingest", [actor("batcher", 2), actor("consumer", 1)]),
  ]);
  assert.deepEqual(fullMailboxes(tree), ["writer", "enricher", "batcher"]);
  assert.deepEqual(fullMailboxes(supervisor("idle", [actor("writer", 0)])), []);
});
