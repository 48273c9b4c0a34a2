import assert from "node:assert/strict";
import { processCpuMicros, threadCpuMicros } from "./thread_cpu.ts";

Deno.test("thread CPU time grows with work done on this thread and stays within the process's", () => {
  const before = threadCpuMicros();
  let x = 0;
  const until = performance.now() + 60;
  while (performance.now() < until) x += Math.sqrt(x + 1);
  const after = threadCpuMicros();
  assert.ok(x > 0);
  assert.ok(after > before, `thread CPU ${before} -> ${after} µs after 60 ms of work`);
  assert.ok(processCpuMicros() >= after);
});
