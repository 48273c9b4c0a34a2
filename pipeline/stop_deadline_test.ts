import assert from "node:assert/strict";
import { StopDeadline, StopDeadlineError, stopHooksReserveMs } from "./stop_deadline.ts";

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

Deno.test("the drain's deadline ends the reserve before the whole one, never below zero", () => {
  let now = 0;
  const whole = new StopDeadline(30_000, () => now);
  assert.equal(stopHooksReserveMs(30_000), 5_000, "a quarter, at most 5 s");
  assert.equal(stopHooksReserveMs(4_000), 1_000);
  const drain = whole.before(stopHooksReserveMs(30_000));
  assert.equal(drain.left(), 25_000);
  now = 26_000; // the drain used all it had: the actors still get what is left of the whole
  assert.equal(drain.left(), 0);
  assert.equal(whole.left(), 4_000);
  now = 29_000; // asked for past the reserve: nothing, not a negative deadline
  assert.equal(whole.before(5_000).left(), 0);
});
