import assert from "node:assert/strict";
import { ClassifiedRetry } from "./classified_retry.ts";
import { classifyError } from "./error_class.ts";
import { WarehouseUnavailableError } from "../warehouse.ts";

const apiError = (code: number, reason?: string) =>
  Object.assign(new Error(`HTTP ${code}`), {
    code,
    errors: reason === undefined ? [] : [{ reason, message: reason }],
  });

Deno.test("server errors, backend errors and dropped connections are transient", () => {
  assert.equal(classifyError(apiError(503)), "transient");
  assert.equal(classifyError(apiError(500, "backendError")), "transient");
  assert.equal(
    classifyError(Object.assign(new Error("socket"), { code: "ECONNRESET" })),
    "transient",
  );
  assert.equal(classifyError(new Error("injected failure")), "transient");
});

Deno.test("rate limits are quota failures even when BigQuery answers 403", () => {
  assert.equal(classifyError(apiError(429)), "quota");
  assert.equal(classifyError(apiError(403, "rateLimitExceeded")), "quota");
  assert.equal(classifyError(apiError(403, "quotaExceeded")), "quota");
});

Deno.test("access denied and missing credentials are permission failures", () => {
  assert.equal(classifyError(apiError(403, "accessDenied")), "permission");
  assert.equal(classifyError(apiError(401)), "permission");
});

Deno.test("invalid rows and unknown tables are schema failures", () => {
  assert.equal(classifyError(apiError(400, "invalid")), "schema");
  assert.equal(classifyError(apiError(404, "notFound")), "schema");
  const partial = Object.assign(new Error("partial"), {
    name: "PartialFailureError",
    errors: [{ errors: [{ reason: "invalid" }] }, { errors: [{ reason: "stopped" }] }],
  });
  assert.equal(classifyError(partial), "schema");
});

Deno.test("rows only stopped because of another request's failure are transient", () => {
  const stopped = Object.assign(new Error("partial"), {
    name: "PartialFailureError",
    errors: [{ errors: [{ reason: "stopped" }] }],
  });
  assert.equal(classifyError(stopped), "transient");
});

const FAST = { attempts: 3, initialDelayMs: 1, maxDelayMs: 2 };

Deno.test("a permission failure is not retried and marks the warehouse unhealthy", async () => {
  const retry = new ClassifiedRetry({ transient: FAST, quota: FAST });
  let calls = 0;
  await assert.rejects(
    retry.run("write batch", () => {
      calls++;
      return Promise.reject(apiError(403, "accessDenied"));
    }),
    (e: unknown) => e instanceof WarehouseUnavailableError && e.attempts === 1,
  );
  assert.equal(calls, 1);
  assert.equal(retry.health.state, "unhealthy");
  assert.equal(retry.health.state === "unhealthy" && retry.health.errorClass, "permission");
});

Deno.test("a quota failure is retried on its own budget and success restores health", async () => {
  const retry = new ClassifiedRetry({ transient: { ...FAST, attempts: 1 }, quota: FAST });
  let calls = 0;
  const value = await retry.run("write batch", () => {
    calls++;
    return calls < 3 ? Promise.reject(apiError(429)) : Promise.resolve("done");
  });
  assert.equal(value, "done");
  assert.equal(calls, 3);
  assert.deepEqual(retry.health, { state: "healthy" });
});
