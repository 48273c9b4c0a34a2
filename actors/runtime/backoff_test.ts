import assert from "node:assert/strict";
import { backoffMs } from "./backoff.ts";

const B = { initialDelayMs: 100, maxDelayMs: 1_000 };

Deno.test("the delay doubles with each retry up to its cap", () => {
  assert.deepEqual([1, 2, 3, 4, 5, 9].map((n) => backoffMs(B, n)), [
    100,
    200,
    400,
    800,
    1000,
    1000,
  ]);
});

Deno.test("added jitter lengthens a delay by at most its fraction", () => {
  const added = { kind: "added", fraction: 0.5 } as const;
  assert.equal(backoffMs(B, 2, added, () => 0), 200);
  assert.equal(backoffMs(B, 2, added, () => 0.5), 250);
});

Deno.test("equal jitter keeps half of the delay and draws the other half", () => {
  assert.equal(backoffMs(B, 3, { kind: "equal" }, () => 0), 200);
  assert.equal(backoffMs(B, 3, { kind: "equal" }, () => 1), 400);
});
