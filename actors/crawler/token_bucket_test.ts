import assert from "node:assert/strict";
import { TokenBucket } from "./token_bucket.ts";

function fakeClock() {
  const clock = {
    t: 0,
    now: () => clock.t,
    sleep: (ms: number) => {
      clock.t += ms;
      return Promise.resolve();
    },
  };
  return clock;
}

Deno.test("takers are paced to the rate after the burst", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(4, 2, clock);
  const starts: number[] = [];
  for (let i = 0; i < 6; i++) {
    await bucket.take();
    starts.push(clock.t);
  }
  assert.deepEqual(starts, [0, 0, 250, 500, 750, 1000]);
});

Deno.test("an idle bucket saves up no more than its burst", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(10, 1, clock);
  await bucket.take();
  clock.t = 10_000;
  await bucket.take();
  const before = clock.t;
  await bucket.take();
  assert.equal(clock.t - before, 100);
});

Deno.test("a rate that cannot pace is refused", () => {
  assert.throws(() => new TokenBucket(0), RangeError);
  assert.throws(() => new TokenBucket(1, 0), RangeError);
});
