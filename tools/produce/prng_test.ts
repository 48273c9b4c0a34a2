import assert from "node:assert/strict";
import { hash32, Rng, WeightedPicker } from "./prng.ts";

Deno.test("the same seed parts give the same sequence and different parts a different one", () => {
  const draw = (...parts: number[]) => {
    const rng = new Rng(...parts);
    return Array.from({ length: 8 }, () => rng.nextU32());
  };
  assert.deepEqual(draw(1, 2, 3), draw(1, 2, 3));
  assert.notDeepEqual(draw(1, 2, 3), draw(1, 2, 4));
  assert.notDeepEqual(draw(2 ** 40), draw(2 ** 41));
  assert.notEqual(hash32(1, 0), hash32(0, 1));
});

Deno.test("integers stay in range and floats in [0, 1)", () => {
  const rng = new Rng(7);
  for (let i = 0; i < 10_000; i++) {
    const n = rng.range(3, 5);
    assert.ok(n >= 3 && n <= 5 && Number.isInteger(n));
    const f = rng.next();
    assert.ok(f >= 0 && f < 1);
  }
});

Deno.test("a weighted picker draws items in proportion to their weights", () => {
  const picker = new WeightedPicker([["a", 1], ["b", 3], ["never", 0]] as const);
  const rng = new Rng(11);
  let b = 0;
  for (let i = 0; i < 40_000; i++) {
    const item = picker.pick(rng);
    assert.notEqual(item, "never");
    if (item === "b") b++;
  }
  assert.ok(Math.abs(b / 40_000 - 0.75) < 0.01, `share of b ${b / 40_000}`);
  assert.equal(picker.size, 2);
});

Deno.test("a picker without positive weight is refused with a RangeError", () => {
  assert.throws(() => new WeightedPicker([["a", 0]]), RangeError);
});
