import assert from "node:assert/strict";
import { parseProcessSample, sampleProcess } from "./process_sample.ts";

Deno.test("a process sample sums thread CPU ticks by thread name and reads RSS, its peak and its parts", () => {
  const text = [
    "Name:\tdeno",
    "VmHWM:\t  204800 kB",
    "VmRSS:\t  102400 kB",
    "RssAnon:\t   81920 kB",
    "RssFile:\t   20480 kB",
    "10 (deno) S 1 10 10 0 -1 4194560 1 0 0 0 150 50 0 0 20 0 40 0 1 1 1",
    "11 (V8 DefaultWorke) S 1 10 10 0 -1 4194560 1 0 0 0 7 3 0 0 20 0 40 0 1 1 1",
    "12 (worker-1) R 1 10 10 0 -1 4194560 1 0 0 0 100 0 0 0 20 0 40 0 1 1 1",
    "13 (worker-2) R 1 10 10 0 -1 4194560 1 0 0 0 20 5 0 0 20 0 40 0 1 1 1",
  ].join("\n");
  const sample = parseProcessSample(text);
  assert.equal(sample.rssMiB, 100);
  assert.equal(sample.peakRssMiB, 200);
  assert.equal(sample.anonMiB, 80);
  assert.equal(sample.fileMiB, 20);
  assert.deepEqual(Object.fromEntries(sample.cpuMicrosByGroup), {
    "main and other Deno threads": 2_000_000,
    "V8 background (GC, compiler)": 100_000,
    "actor Workers": 1_250_000,
  });
});

Deno.test("sampling this very process finds its main thread and a resident size", async () => {
  const sample = await sampleProcess(Deno.pid);
  assert.ok(sample.rssMiB > 0 && sample.peakRssMiB >= sample.rssMiB);
  assert.ok(
    sample.anonMiB > 0 && sample.fileMiB > 0 &&
      sample.anonMiB + sample.fileMiB <= sample.rssMiB + 1,
  );
  assert.ok(sample.cpuMicrosByGroup.has("main and other Deno threads"));
});
