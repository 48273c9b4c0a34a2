import assert from "node:assert/strict";
import { StatusHistory } from "./status_history.ts";

const sample = (t: number) => ({
  t,
  consumed: t * 10,
  staged: t * 9,
  deadLettered: 0,
  replayed: 0,
});

Deno.test("the status history keeps the newest samples up to its capacity, oldest first", () => {
  const history = new StatusHistory(3);
  for (let t = 1; t <= 5; t++) history.add(sample(t));
  assert.deepEqual(history.samples().map((s) => s.t), [3, 4, 5]);
  history.samples().pop();
  assert.equal(history.samples().length, 3, "callers get a copy");
});

Deno.test("a status history too small to give a rate is refused", () => {
  assert.throws(() => new StatusHistory(1), RangeError);
});
