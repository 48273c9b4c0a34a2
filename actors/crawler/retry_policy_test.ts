import assert from "node:assert/strict";
import { isRetryableStatus, parseRetryAfter, retryWaitMs } from "./retry_policy.ts";

const OPTIONS = { maxTries: 5, baseDelayMs: 100, maxDelayMs: 1000, maxRetryAfterMs: 60_000 };

Deno.test("429 and 5xx are retried, other answers are final", () => {
  assert.deepEqual([429, 500, 503, 599].map(isRetryableStatus), [true, true, true, true]);
  assert.deepEqual([200, 301, 403, 404].map(isRetryableStatus), [false, false, false, false]);
});

Deno.test("Retry-After reads as delta-seconds or as an HTTP date", () => {
  const now = Date.parse("2026-03-01T10:00:00Z");
  assert.equal(parseRetryAfter("7", now), 7000);
  assert.equal(parseRetryAfter("Sun, 01 Mar 2026 10:00:30 GMT", now), 30_000);
  assert.equal(parseRetryAfter("Sun, 01 Mar 2026 09:00:00 GMT", now), 0);
  assert.equal(parseRetryAfter("soon", now), undefined);
  assert.equal(parseRetryAfter("-3", now), undefined);
  assert.equal(parseRetryAfter(null, now), undefined);
});

Deno.test("backoff doubles per try within the cap, jittered in its upper half", () => {
  assert.equal(retryWaitMs(2, OPTIONS, undefined, () => 0), 50);
  assert.equal(retryWaitMs(2, OPTIONS, undefined, () => 1), 100);
  assert.equal(retryWaitMs(4, OPTIONS, undefined, () => 1), 400);
  assert.equal(retryWaitMs(10, OPTIONS, undefined, () => 1), 1000);
});

Deno.test("a Retry-After longer than the backoff sets the wait", () => {
  assert.equal(retryWaitMs(2, OPTIONS, 3000, () => 1), 3000);
  assert.equal(retryWaitMs(2, OPTIONS, 10, () => 1), 100);
});
