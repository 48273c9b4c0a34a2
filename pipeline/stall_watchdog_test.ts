import assert from "node:assert/strict";
import { STALL_EXIT_CODE, StallWatchdog, type Stuck } from "./stall_watchdog.ts";

function watch(limitMs: number, stuck: Stuck | undefined) {
  const exits: number[] = [];
  const dog = new StallWatchdog({ limitMs, stuck: () => stuck, exit: (code) => exits.push(code) });
  return { dog, exits };
}

Deno.test("a stall shorter than the limit does nothing", () => {
  const { dog, exits } = watch(60_000, { since: 0, stage: "writer", reason: "disk full" });
  assert.equal(dog.check(59_999), false);
  assert.deepEqual(exits, []);
});

Deno.test("a stall that outlasts the limit exits once with EX_TEMPFAIL", () => {
  const { dog, exits } = watch(60_000, { since: 0, stage: "writer", reason: "disk full" });
  assert.equal(dog.check(60_000), true);
  assert.deepEqual(exits, [STALL_EXIT_CODE]);
  assert.equal(STALL_EXIT_CODE, 75);
});

Deno.test("no stall, no exit; a limit of 0 never starts", () => {
  const { dog, exits } = watch(1, undefined);
  assert.equal(dog.check(1e12), false);
  const off = watch(0, { since: 0, stage: "writer", reason: "x" });
  off.dog.start();
  off.dog.stop();
  assert.deepEqual([...exits, ...off.exits], []);
});
