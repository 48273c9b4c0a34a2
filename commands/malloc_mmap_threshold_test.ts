import assert from "node:assert/strict";
import {
  applyMmapThreshold,
  DEFAULT_TRIM_THRESHOLD,
  M_MMAP_THRESHOLD,
  M_TRIM_THRESHOLD,
  type ThresholdContext,
} from "./malloc_mmap_threshold.ts";

/** A libc that records its `mallopt` calls and answers `answer` to them. */
function fakeContext(env: Record<string, string>, answer = 1) {
  const calls: [number, number][] = [];
  const context: ThresholdContext = {
    env: (name) => env[name],
    libc: () => ({
      mallopt: (param, value) => {
        calls.push([param, value]);
        return answer;
      },
      mapsAlone: () => true,
    }),
  };
  return { calls, context };
}

Deno.test("the setting's KiB become glibc's mmap threshold, and the trim threshold goes back to glibc's default", () => {
  const { calls, context } = fakeContext({});
  const outcome = applyMmapThreshold(2048, context);
  assert.deepEqual(calls, [[M_MMAP_THRESHOLD, 2048 * 1024], [
    M_TRIM_THRESHOLD,
    DEFAULT_TRIM_THRESHOLD,
  ]]);
  assert.deepEqual(outcome, { applied: "setting", kb: 2048, trimKb: 128, fixed: true });
});

Deno.test("a user's own MALLOC_MMAP_THRESHOLD_ or GLIBC_TUNABLES threshold wins: nothing is set", () => {
  const own = fakeContext({ MALLOC_MMAP_THRESHOLD_: "65536" });
  assert.deepEqual(applyMmapThreshold(2048, own.context), {
    applied: "environment",
    variable: "MALLOC_MMAP_THRESHOLD_",
    value: "65536",
  });
  const tunable = fakeContext({
    GLIBC_TUNABLES: "glibc.malloc.arena_max=2:glibc.malloc.mmap_threshold=131072",
  });
  assert.deepEqual(applyMmapThreshold(2048, tunable.context), {
    applied: "environment",
    variable: "GLIBC_TUNABLES",
    value: "131072",
  });
  assert.deepEqual([...own.calls, ...tunable.calls], []);
});

Deno.test("a user's own trim threshold is left as it is", () => {
  const { calls, context } = fakeContext({ MALLOC_TRIM_THRESHOLD_: "1048576" });
  assert.deepEqual(applyMmapThreshold(4096, context), {
    applied: "setting",
    kb: 4096,
    trimKb: "user",
    fixed: true,
  });
  assert.deepEqual(calls, [[M_MMAP_THRESHOLD, 4096 * 1024]]);
});

Deno.test("0 keeps glibc's own threshold: nothing is set", () => {
  const { calls, context } = fakeContext({});
  assert.deepEqual(applyMmapThreshold(0, context), { applied: "glibc-dynamic" });
  assert.deepEqual(calls, []);
});

Deno.test("off glibc nothing is set and the reason is given", () => {
  const context: ThresholdContext = {
    env: () => undefined,
    libc: () => ({ unavailable: "not glibc (linux, musl)" }),
  };
  assert.deepEqual(applyMmapThreshold(2048, context), {
    applied: "none",
    reason: "not glibc (linux, musl)",
  });
});

Deno.test("a threshold glibc refuses stops the start with the range to use", () => {
  const { context } = fakeContext({}, 0);
  assert.throws(
    () => applyMmapThreshold(2048, context),
    (e: unknown) =>
      e instanceof RangeError && e.message.includes("set MALLOC_MMAP_THRESHOLD_KB from 0 to 32768"),
  );
});

/** `applyMmapThreshold(kb)` in a fresh process with this libc, and what its probe then sees. */
async function inFreshProcess(kb: number): Promise<{ outcome: unknown; probes: boolean[] }> {
  const module = new URL("./malloc_mmap_threshold.ts", import.meta.url).href;
  const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
    args: [
      "eval",
      `import { applyMmapThreshold, processContext } from "${module}";
       const outcome = applyMmapThreshold(${kb});
       const libc = processContext().libc();
       if ("unavailable" in libc) throw new Error(libc.unavailable);
       const probes = [1, 2].map(() => libc.mapsAlone(4 * 1024 * 1024));
       console.log(JSON.stringify({ outcome, probes }));`,
    ],
    // Without a threshold of the caller's own (glibc reads one at the process's start).
    clearEnv: true,
    env: Object.fromEntries(
      ["HOME", "PATH", "DENO_DIR"].flatMap((name) => {
        const value = Deno.env.get(name);
        return value === undefined ? [] : [[name, value]];
      }),
    ),
    stdout: "piped",
    stderr: "piped",
  }).output();
  assert.equal(code, 0, new TextDecoder().decode(stderr));
  return JSON.parse(new TextDecoder().decode(stdout));
}

Deno.test({
  name: "in a real process the threshold is fixed: blocks past it are mapped alone every time, " +
    "where glibc's own threshold rises to the first one freed",
  ignore: Deno.build.os !== "linux" || Deno.build.env !== "gnu",
  async fn() {
    const fixed = await inFreshProcess(2048);
    assert.deepEqual(fixed.outcome, { applied: "setting", kb: 2048, trimKb: 128, fixed: true });
    assert.deepEqual(fixed.probes, [true, true]);
    const dynamic = await inFreshProcess(0);
    assert.deepEqual(dynamic.outcome, { applied: "glibc-dynamic" });
    assert.deepEqual(dynamic.probes, [true, false]);
  },
});
