import assert from "node:assert/strict";
import { RequestTimeoutError, withDeadline } from "./deadline.ts";

Deno.test("a request that answers in time gives its answer", async () => {
  assert.equal(await withDeadline("a quick request", 1_000, () => Promise.resolve(3)), 3);
});

Deno.test("a request that never answers is abandoned with a RequestTimeoutError naming it", async () => {
  const never = Promise.withResolvers<number>();
  await assert.rejects(
    withDeadline("insertAll into staging_g1", 20, () => never.promise),
    (e: unknown) =>
      e instanceof RequestTimeoutError && e.code === "ETIMEDOUT" &&
      e.message === "No answer to insertAll into staging_g1 within 20 ms",
  );
  never.reject(new Error("late failure, ignored"));
});
