import assert from "node:assert/strict";
import { OffsetTracker } from "./offset_tracker.ts";

Deno.test("commits only offsets below the first unwritten chunk", () => {
  const t = new OffsetTracker();
  const a = t.track("t", 0, 0, 9);
  const b = t.track("t", 0, 10, 19);
  const c = t.track("t", 0, 20, 29);
  t.ack(b.id);
  t.ack(c.id);
  assert.deepEqual(t.committable(), []);
  t.ack(a.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 30 }]);
  t.committed(t.committable());
  assert.deepEqual(t.committable(), [], "a confirmed commit point is not offered twice");
});

Deno.test("a commit point stays offered until Kafka confirms it, then only newer ones are", () => {
  const t = new OffsetTracker();
  const a = t.track("t", 0, 0, 9);
  const b = t.track("t", 0, 10, 19);
  t.ack(a.id);
  const first = t.committable();
  assert.deepEqual(first, [{ topic: "t", partition: 0, offset: 10 }]);
  // The commit failed: nothing was confirmed, so the same point is offered again.
  assert.deepEqual(t.committable(), first);
  t.ack(b.id);
  // A late confirmation of the older point leaves the newer one offered.
  t.committed(first);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 20 }]);
});

Deno.test("partitions advance independently", () => {
  const t = new OffsetTracker();
  const p0 = t.track("t", 0, 100, 104);
  t.track("t", 1, 7, 8);
  t.ack(p0.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 105 }]);
  assert.equal(t.pending(), 1);
  assert.equal(t.pending("t", 1), 1);
  assert.equal(t.pending("t", 0), 0);
});

Deno.test("offset gaps between chunks (compaction, transactions) do not block the commit point", () => {
  const t = new OffsetTracker();
  const a = t.track("t", 0, 0, 4);
  const b = t.track("t", 0, 9, 12);
  t.ack(a.id);
  t.ack(b.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 13 }]);
});

Deno.test("a chunk out of order or a duplicate acknowledgement is refused or ignored", () => {
  const t = new OffsetTracker();
  const a = t.track("t", 0, 0, 9);
  assert.throws(() => t.track("t", 0, 5, 12), /does not follow 9/);
  assert.throws(() => t.track("t", 0, 20, 19), RangeError);
  t.ack(a.id);
  t.ack(a.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 10 }]);
});

Deno.test("a forgotten partition drops its pending chunks and their late acknowledgements", () => {
  const t = new OffsetTracker();
  const a = t.track("t", 3, 0, 9);
  t.forget("t", 3);
  t.ack(a.id);
  assert.equal(t.pending(), 0);
  assert.deepEqual(t.committable(), []);
});

Deno.test("a long run of chunks compacts without losing the commit point", () => {
  const t = new OffsetTracker();
  const refs = Array.from({ length: 5000 }, (_, i) => t.track("t", 0, i * 2, i * 2 + 1));
  for (const r of refs.slice(0, 4000)) t.ack(r.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 8000 }]);
  assert.equal(t.pending("t", 0), 1000);
  for (const r of refs.slice(4000)) t.ack(r.id);
  assert.deepEqual(t.committable(), [{ topic: "t", partition: 0, offset: 10000 }]);
});
