import assert from "node:assert/strict";
import { BenchFlags } from "./bench_flags.ts";

Deno.test("a count flag gives its value, and the fallback when absent", () => {
  const flags = new BenchFlags("demo", ["--rows=500"]);
  assert.equal(flags.count("rows", 10), 500);
  assert.equal(flags.count("batch", 10), 10);
  assert.equal(flags.optionalCount("memory-limit-mb"), undefined);
  flags.rejectUnread();
});

Deno.test("a value holding '=' is kept whole", () => {
  const flags = new BenchFlags("demo", ["--only=a=b"]);
  assert.equal(flags.text("only"), "a=b");
});

Deno.test("a count that is not a whole number of 1 or more is refused, naming the bench", () => {
  for (const bad of ["--rows=0", "--rows=-3", "--rows=1.5", "--rows=ten", "--rows="]) {
    assert.throws(
      () => new BenchFlags("demo", [bad]).count("rows", 10),
      (e: unknown) =>
        e instanceof RangeError && e.message.includes("demo benchmark") &&
        e.message.includes("is not a count"),
      bad,
    );
  }
});

Deno.test("a flag given twice is refused unless read as a list", () => {
  const args = ["--without=a", "--without=b"];
  assert.throws(() => new BenchFlags("demo", args).text("without"), /given 2 times/);
  assert.deepEqual(new BenchFlags("demo", args).all("without"), ["a", "b"]);
});

Deno.test("a mistyped or bare argument is refused, with the flags the bench reads", () => {
  const flags = new BenchFlags("demo", ["--rows=5", "--batchs=7", "extra"]);
  flags.count("rows", 1);
  flags.count("batch", 1);
  assert.throws(
    () => flags.rejectUnread(),
    (e: unknown) =>
      e instanceof RangeError && e.message.includes("--batchs=7 extra is not one of its flags") &&
      e.message.includes("--rows=, --batch="),
  );
});
