import assert from "node:assert/strict";
import { type BucketClock, TokenBucket } from "./token_bucket.ts";

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

/** A clock that only moves when the bucket waits, and records each wait. */
function recordingClock(): BucketClock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    sleep: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("a full bucket lets a burst through without waiting", async () => {
  const clock = recordingClock();
  const bucket = new TokenBucket(100, 50, clock);
  await bucket.take(50);
  assert.deepEqual(clock.waits, []);
});

Deno.test("takes beyond the burst wait exactly as long as the rate needs, one wait per take", async () => {
  const clock = recordingClock();
  const bucket = new TokenBucket(1000, 100, clock);
  for (let i = 0; i < 11; i++) await bucket.take(100);
  // 100 tokens free, then 1000 tokens at 1000/s: one second of waiting in ten waits.
  assert.equal(clock.waits.length, 10);
  assert.ok(Math.abs(clock.now() - 1000) < 1e-6, `waited ${clock.now()} ms`);
});

Deno.test("a take larger than the burst runs into debt and waits once", async () => {
  const clock = recordingClock();
  const bucket = new TokenBucket(10, 5, clock);
  await bucket.take(25);
  assert.deepEqual(clock.waits, [2000]);
});

Deno.test("a rate that is not positive is refused", () => {
  assert.throws(() => new TokenBucket(0, 1), RangeError);
});
