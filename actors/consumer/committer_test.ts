import assert from "node:assert/strict";
import { type CommitOffsets, Committer } from "./committer.ts";
import { OffsetTracker } from "./offset_tracker.ts";

Deno.test("a refused commit is retried until Kafka takes it; the failures are counted", async () => {
  const tracker = new OffsetTracker();
  tracker.ack(tracker.track("t", 0, 0, 9).id);
  const sent: CommitOffsets[] = [];
  let refusals = 2;
  const committed = Promise.withResolvers<void>();
  const committer = new Committer(tracker, (offsets) => {
    sent.push(offsets);
    if (refusals-- > 0) return Promise.reject(new Error("The group is rebalancing"));
    committed.resolve();
    return Promise.resolve();
  }, 1);
  committer.schedule();
  await committed.promise;
  assert.equal(committer.failures, 2);
  assert.deepEqual(sent.map((o) => o[0]?.offset), [10, 10, 10]);
  assert.equal(await committer.close(), true, "nothing left to commit");
});

Deno.test("closing makes a last attempt and says whether it got through", async () => {
  const tracker = new OffsetTracker();
  tracker.ack(tracker.track("t", 0, 0, 4).id);
  const committer = new Committer(tracker, () => Promise.reject(new Error("broker away")), 60_000);
  assert.equal(await committer.close(), false);
  assert.deepEqual(tracker.committable(), [{ topic: "t", partition: 0, offset: 5 }]);
});
