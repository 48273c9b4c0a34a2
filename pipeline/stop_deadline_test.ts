import assert from "node:assert/strict";
import { StopDeadline, StopDeadlineError } from "./stop_deadline.ts";

Deno.test("a step that ends in time gives its value; the time left shrinks with the clock", async () => {
  let now = 1_000;
  const deadline = new StopDeadline(500, () => now);
  assert.equal(await deadline.within("quick", Promise.resolve(7)), 7);
  now = 1_300;
  assert.equal(deadline.left(), 200);
  now = 2_000;
  assert.equal(deadline.left(), 0);
});

Deno.test("a step that never ends is cut at the deadline, named", async () => {
  const deadline = new StopDeadline(20);
  await assert.rejects(
    deadline.within("the writer's drain", new Promise(() => {})),
    (error: unknown) =>
      error instanceof StopDeadlineError && /the writer's drain did not finish/.test(error.message),
  );
});
