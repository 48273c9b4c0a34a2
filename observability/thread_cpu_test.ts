import assert from "node:assert/strict";
import { isolateHeapBytes, processCpuMicros, threadCpuMicros } from "./thread_cpu.ts";

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

Deno.test("an isolate's heap figure counts the ArrayBuffers it holds", () => {
  const before = isolateHeapBytes();
  const held = new Uint8Array(32 * 1024 * 1024).fill(1);
  assert.ok(isolateHeapBytes() >= before + held.byteLength / 2);
  assert.equal(held[0], 1);
});
