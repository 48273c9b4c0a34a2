import assert from "node:assert/strict";
import { WRITE_PHASES } from "../../messages/writer.ts";
import { PhaseClock } from "./phase_clock.ts";

const at = (phase: string, ms: number[]) => ms[WRITE_PHASES.findIndex((p) => p === phase)];

Deno.test("each lap adds the time since the last one to its phase, in WRITE_PHASES order", () => {
  const clock = new PhaseClock(100);
  assert.equal(clock.lap("idle", 104), 4);
  clock.lap("begin", 105);
  clock.lap("commit", 112);
  clock.lap("commit", 113);
  const ms = clock.toArray();
  assert.equal(ms.length, WRITE_PHASES.length);
  assert.equal(at("idle", ms), 4);
  assert.equal(at("begin", ms), 1);
  assert.equal(at("commit", ms), 8);
  assert.equal(ms.reduce((a, b) => a + b, 0), 13);
});

Deno.test("moving time between phases keeps the sum and never takes more than a phase holds", () => {
  const clock = new PhaseClock(0);
  clock.lap("idle", 10);
  clock.move("idle", "prepareAtTurn", 3);
  clock.move("commit", "checkpoint", 5);
  const ms = clock.toArray();
  assert.equal(at("idle", ms), 7);
  assert.equal(at("prepareAtTurn", ms), 3);
  assert.equal(at("commit", ms), 0);
  assert.equal(at("checkpoint", ms), 0);
  assert.equal(ms.reduce((a, b) => a + b, 0), 10);
});
