import assert from "node:assert/strict";
import { withRetry } from "./retry.ts";
import { WarehouseUnavailableError } from "./warehouse.ts";

const policy = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

Deno.test("a failing attempt is retried until one succeeds", async () => {
  let calls = 0;
  const value = await withRetry("test", policy, (n) => {
    calls++;
    return n < 3 ? Promise.reject(new Error("busy")) : Promise.resolve(n);
  });
  assert.equal(value, 3);
  assert.equal(calls, 3);
});

Deno.test("past the budget the last failure surfaces as WarehouseUnavailableError", async () => {
  await assert.rejects(
    () => withRetry("write batch", policy, () => Promise.reject(new Error("disk full"))),
    (e: unknown) =>
      e instanceof WarehouseUnavailableError && e.attempts === 3 &&
      /Cannot write batch: .* 3 times, last: disk full/.test(e.message),
  );
});

Deno.test("a TypeError is a bug upstream and is not retried", async () => {
  let calls = 0;
  await assert.rejects(
    () =>
      withRetry("test", policy, () => {
        calls++;
        return Promise.reject(new TypeError("bad cell"));
      }),
    TypeError,
  );
  assert.equal(calls, 1);
});
