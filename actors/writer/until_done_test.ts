import assert from "node:assert/strict";
import type { WriterResumed, WriterStalled } from "../../messages/writer.ts";
import { untilDone } from "./until_done.ts";

const QUICK = { initialDelayMs: 1, maxDelayMs: 4, slowAfterMs: 60_000 };

function recorder() {
  const stalls: WriterStalled[] = [];
  const resumes: WriterResumed[] = [];
  return {
    stalls,
    resumes,
    listener: {
      stalled: (r: WriterStalled) => void stalls.push(r),
      resumed: (r: WriterResumed) => void resumes.push(r),
    },
  };
}

Deno.test("a first success reports nothing", async () => {
  const r = recorder();
  assert.equal(await untilDone("write batch", () => Promise.resolve(7), r.listener, QUICK), 7);
  assert.deepEqual([r.stalls.length, r.resumes.length], [0, 0]);
});

Deno.test("failures are retried with capped backoff for as long as it takes, each one reported", async () => {
  const r = recorder();
  let calls = 0;
  const value = await untilDone(
    "write batch",
    () => {
      calls++;
      if (calls <= 30) return Promise.reject(new Error(`connect ECONNREFUSED (${calls})`));
      return Promise.resolve("written");
    },
    r.listener,
    QUICK,
  );
  assert.equal(value, "written");
  assert.equal(r.stalls.length, 30);
  assert.deepEqual(r.stalls.slice(0, 4).map((s) => s.retryInMs), [1, 2, 4, 4]);
  assert.equal(r.stalls[29]?.reason, "connect ECONNREFUSED (30)");
  assert.equal(new Set(r.stalls.map((s) => s.sinceMs)).size, 1, "one stall, one start");
  assert.equal(r.resumes.length, 1);
  assert.equal(r.resumes[0]?.attempts, 31);
});

Deno.test("an attempt that hangs past slowAfterMs is reported stalled while it goes on", async () => {
  const r = recorder();
  const release = Promise.withResolvers<string>();
  const running = untilDone("write batch", () => release.promise, {
    ...r.listener,
    stalled: (report) => {
      r.stalls.push(report);
      release.resolve("late");
    },
  }, { ...QUICK, slowAfterMs: 20 });
  assert.equal(await running, "late");
  assert.equal(r.stalls.length, 1);
  assert.equal(r.stalls[0]?.retryInMs, null);
  assert.match(r.stalls[0]?.reason ?? "", /has waited 20 ms on the warehouse without an answer/);
  assert.equal(r.resumes.length, 1);
});

Deno.test("a failed attempt gives the caller a chance to repair before the next one", async () => {
  const r = recorder();
  const repaired: string[] = [];
  let broken = true;
  await untilDone("write batch", () => {
    if (broken) return Promise.reject(new Error("database has been invalidated"));
    return Promise.resolve();
  }, {
    ...r.listener,
    failed: (error) => {
      repaired.push(error instanceof Error ? error.message : String(error));
      broken = false;
    },
  }, QUICK);
  assert.deepEqual(repaired, ["database has been invalidated"]);
});

Deno.test("a hanging attempt that can say what it is busy with names it in its stall", async () => {
  const r = recorder();
  const release = Promise.withResolvers<string>();
  const running = untilDone(
    "open the warehouse",
    () => release.promise,
    {
      ...r.listener,
      stalled: (report) => {
        r.stalls.push(report);
        release.resolve("opened");
      },
    },
    { ...QUICK, slowAfterMs: 20 },
    () => "parsing the 5 user agents of its dimension again",
  );
  assert.equal(await running, "opened");
  assert.equal(
    r.stalls[0]?.reason,
    "open the warehouse has waited 20 ms on the warehouse without an answer: it is parsing the 5 " +
      "user agents of its dimension again",
  );
});
