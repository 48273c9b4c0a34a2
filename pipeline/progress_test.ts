import assert from "node:assert/strict";
import type { ConsumerLag } from "../messages/consumer.ts";
import type { SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import { actorSnapshot, supervisorSnapshot } from "../actors/runtime/snapshot_fixtures.ts";
import { Progress, unreadMessages } from "./progress.ts";

/** The pipeline's tree with the given mailbox depths (mailboxes of 8). */
const tree = (depths: Record<string, number> = {}): SupervisorSnapshot =>
  supervisorSnapshot(
    "pipeline",
    ["geoip", "writer", "batcher", "enricher", "consumer"].map((n) =>
      actorSnapshot(n, { mailboxDepth: depths[n] ?? 0, mailboxCapacity: 8 })
    ),
  );
/** A lag report: per partition, messages not yet read. */
const lag = (unread: number[], halted: number[] = []): ConsumerLag => ({
  partitions: unread.map((n, partition) => ({ partition, seen: 99, high: 100 + n })),
  delivered: 0,
  paused: [],
  halted: halted.map((partition) => ({ partition, reason: "topic recreated" })),
  commitFailures: 0,
});

Deno.test("unread messages leave halted partitions out", () => {
  assert.equal(unreadMessages(lag([5, 7, 0])), 12);
  assert.equal(unreadMessages(lag([5, 7, 0], [1])), 5);
});

Deno.test("nothing waiting is never a stall, however long ago the last batch was written", () => {
  const p = new Progress(60_000, 0);
  p.lag(lag([0, 0]), 1_000);
  assert.equal(p.check(tree(), 3_600_000), undefined);
  // Traffic after an idle hour: the clock starts when the events arrive, not at the last write.
  p.lag(lag([500, 0]), 3_605_000);
  assert.equal(p.check(tree({ enricher: 1 }), 3_610_000), undefined);
});

Deno.test("work waiting in the writer with no batch written for the limit names the writer", () => {
  const p = new Progress(60_000, 0);
  p.lag(lag([2_000, 3_000]), 0);
  p.written(10_000);
  assert.equal(p.check(tree({ writer: 1, batcher: 8 }), 69_000), undefined);
  assert.deepEqual(p.check(tree({ writer: 1, batcher: 8 }), 70_000), {
    stage: "writer",
    reason: "no progress: 1 messages wait in its mailbox; no batch was written and the " +
      "consumer lag did not shrink",
    sinceMs: 10_000,
  });
  p.written(71_000);
  assert.equal(p.check(tree({ writer: 1, batcher: 8 }), 72_000), undefined);
});

Deno.test("a lag that shrinks is progress although no batch is written yet", () => {
  const p = new Progress(10_000, 0);
  p.lag(lag([9_000]), 0);
  p.lag(lag([8_000]), 9_000);
  assert.equal(p.check(tree({ enricher: 2 }), 15_000), undefined);
  p.lag(lag([8_000]), 19_000);
  assert.equal(p.check(tree({ enricher: 2 }), 19_000)?.stage, "enricher");
});

Deno.test("events that wait in Kafka while nothing is read name the consumer", () => {
  const p = new Progress(10_000, 0);
  p.lag(lag([40]), 0);
  assert.deepEqual(p.check(tree(), 10_000), {
    stage: "consumer",
    reason: "no progress: 40 messages unread at the last fetch, none read since and no batch " +
      "written",
    sinceMs: 0,
  });
});

Deno.test("a halted partition's lag is no stall of this rule (it is a condition of its own)", () => {
  const p = new Progress(10_000, 0);
  p.lag(lag([0, 400], [1]), 0);
  assert.equal(p.check(tree(), 60_000), undefined);
});

Deno.test("an export under way counts as progress; the clock starts again when it ends", () => {
  const p = new Progress(10_000, 0);
  p.lag(lag([100]), 0);
  p.exporting(true, 1_000);
  assert.equal(p.check(tree({ writer: 2 }), 50_000), undefined);
  p.exporting(false, 50_000);
  assert.equal(p.check(tree({ writer: 1 }), 59_000), undefined);
  assert.equal(p.check(tree({ writer: 1 }), 60_000)?.sinceMs, 50_000);
});

Deno.test("a limit of 0 turns the rule off", () => {
  const p = new Progress(0, 0);
  p.lag(lag([100]), 0);
  assert.equal(p.check(tree({ writer: 1 }), 86_400_000), undefined);
});
