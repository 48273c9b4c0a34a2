import assert from "node:assert/strict";
import { DEFAULT_RESTART_POLICY, restartDelayMs, RestartIntensity } from "./restart_policy.ts";

const policy = { ...DEFAULT_RESTART_POLICY, initialDelayMs: 100, maxDelayMs: 1_000, jitter: 0.5 };

Deno.test("backoff doubles per consecutive failure up to the ceiling", () => {
  const noJitter = () => 0;
  assert.deepEqual(
    [1, 2, 3, 4, 5, 6].map((n) => restartDelayMs(policy, n, noJitter)),
    [100, 200, 400, 800, 1_000, 1_000],
  );
});

Deno.test("jitter adds at most its fraction of the delay", () => {
  assert.equal(restartDelayMs(policy, 2, () => 0.999_999), 300);
  assert.equal(restartDelayMs(policy, 2, () => 0.5), 250);
});

Deno.test("intensity allows maxRestarts within the window, then refuses", () => {
  const intensity = new RestartIntensity({ ...policy, maxRestarts: 3, withinMs: 1_000 });
  assert.deepEqual([0, 10, 20, 30].map((t) => intensity.allow(t)), [true, true, true, false]);
});

Deno.test("restarts older than the window no longer count", () => {
  const intensity = new RestartIntensity({ ...policy, maxRestarts: 2, withinMs: 1_000 });
  assert.ok(intensity.allow(0));
  assert.ok(intensity.allow(500));
  assert.ok(!intensity.allow(900));
  assert.ok(intensity.allow(1_001));
});
