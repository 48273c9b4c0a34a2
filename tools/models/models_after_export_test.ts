import assert from "node:assert/strict";
import { ModelsAfterExport } from "./models_after_export.ts";
import { BronzeMissingError, type ModelsRunRecord } from "./models_run.ts";
import type { ModelsTarget } from "./models_target.ts";

const target: ModelsTarget = { kind: "duckdb", env: {}, lake: "/lake", stateDir: "/state" };

const record = (n: number): ModelsRunRecord => ({
  startedAt: `run ${n}`,
  finishedAt: `run ${n}`,
  seconds: 1,
  target: "duckdb",
  args: [],
  result: "success",
  summary: null,
  goldRows: {},
  error: null,
});

/** A runner whose runs finish when the test says so. */
function gatedRunner() {
  const gates: PromiseWithResolvers<void>[] = [];
  let runs = 0;
  const started: PromiseWithResolvers<void>[] = [Promise.withResolvers()];
  const run = async () => {
    const n = ++runs;
    const gate = Promise.withResolvers<void>();
    gates.push(gate);
    started[n - 1]?.resolve();
    started.push(Promise.withResolvers());
    await gate.promise;
    return record(n);
  };
  return {
    run,
    runs: () => runs,
    started: (n: number) => started[n - 1]?.promise,
    finish: (n: number) => gates[n - 1]?.resolve(),
  };
}

Deno.test("models run after an export with rows only when MODELS_AFTER_EXPORT is on", async () => {
  const off = gatedRunner();
  const disabled = new ModelsAfterExport(target, false, off.run);
  disabled.exported(500);
  await disabled.idle();
  assert.equal(off.runs(), 0);
  assert.equal(disabled.status().afterExport, false);
  const on = gatedRunner();
  const enabled = new ModelsAfterExport(target, true, on.run);
  enabled.exported(0);
  assert.equal(enabled.status().running, false, "an empty export changes nothing to model");
  enabled.exported(500);
  await on.started(1);
  assert.equal(enabled.status().running, true);
  on.finish(1);
  await enabled.idle();
  assert.equal(on.runs(), 1);
  assert.deepEqual(enabled.status(), { afterExport: true, running: false, lastRun: record(1) });
});

Deno.test("exports finishing during a run ask for exactly one more run afterwards", async () => {
  const runner = gatedRunner();
  const schedule = new ModelsAfterExport(target, true, runner.run);
  schedule.exported(10);
  await runner.started(1);
  schedule.exported(20);
  schedule.exported(30);
  runner.finish(1);
  await runner.started(2);
  runner.finish(2);
  await schedule.idle();
  assert.equal(runner.runs(), 2);
  assert.equal((schedule.status().lastRun as ModelsRunRecord).startedAt, "run 2");
});

Deno.test("a run that cannot start is shown as failed with its reason and the next one runs", async () => {
  let calls = 0;
  const schedule = new ModelsAfterExport(target, true, () => {
    calls++;
    if (calls === 1) return Promise.reject(new BronzeMissingError("No Bronze Parquet in /lake"));
    return Promise.resolve(record(calls));
  });
  schedule.exported(10);
  await schedule.idle();
  const failed = schedule.status().lastRun as { result: string; error: string };
  assert.equal(failed.result, "failed");
  assert.match(failed.error, /No Bronze Parquet/);
  schedule.exported(10);
  await schedule.idle();
  assert.equal((schedule.status().lastRun as ModelsRunRecord).result, "success");
});
