import assert from "node:assert/strict";
import { type Clock, TokenBucket } from "./token_bucket.ts";

/** A clock that only moves when the bucket waits. */
function fakeClock(): Clock & { waits: number[] } {
  let now = 0;
  const waits: number[] = [];
  return {
    waits,
    now: () => now,
    wait: (ms) => {
      waits.push(ms);
      now += ms;
      return Promise.resolve();
    },
  };
}

Deno.test("a full bucket lets a burst through without waiting", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(100, 50, clock);
  await bucket.take(50);
  assert.deepEqual(clock.waits, []);
});

Deno.test("takes beyond the burst wait exactly as long as the rate needs, one wait per take", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(1000, 100, clock);
  for (let i = 0; i < 11; i++) await bucket.take(100);
  // 100 tokens free, then 1000 tokens at 1000/s: one second of waiting in ten waits.
  assert.equal(clock.waits.length, 10);
  assert.ok(Math.abs(clock.now() - 1000) < 1e-6, `waited ${clock.now()} ms`);
});

Deno.test("a take larger than the burst runs into debt and waits once", async () => {
  const clock = fakeClock();
  const bucket = new TokenBucket(10, 5, clock);
  await bucket.take(25);
  assert.deepEqual(clock.waits, [2000]);
});

Deno.test("a rate that is not positive is refused", () => {
  assert.throws(() => new TokenBucket(0, 1), RangeError);
});
