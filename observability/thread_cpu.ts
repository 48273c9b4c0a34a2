/**
 * CPU time and heap of the calling thread (the main thread or one actor Worker): what the runtime
 * reports per actor so a bench can say where the process's CPU and memory go, stage by stage.
 * CPU comes from `process.threadCpuUsage()` (getrusage RUSAGE_THREAD; no permission needed), 0
 * where the runtime lacks it, so a missing figure reads as none rather than failing a Worker.
 */
import process from "node:process";

const usage: unknown = Reflect.get(process, "threadCpuUsage");

/** User plus system CPU time of this thread so far, µs (0: unknown). */
export function threadCpuMicros(): number {
  if (typeof usage !== "function") return 0;
  const times: unknown = Reflect.apply(usage, process, []);
  if (typeof times !== "object" || times === null) return 0;
  const user: unknown = Reflect.get(times, "user");
  const system: unknown = Reflect.get(times, "system");
  return typeof user === "number" && typeof system === "number" ? user + system : 0;
}

/** This thread's V8 heap plus the ArrayBuffers its isolate holds, bytes, now. */
export function isolateHeapBytes(): number {
  const { heapTotal, external } = Deno.memoryUsage();
  return heapTotal + external;
}

/** This thread's used V8 heap (objects reached or not yet collected, without ArrayBuffers), bytes. */
export function isolateHeapUsedBytes(): number {
  return Deno.memoryUsage().heapUsed;
}

/** This thread's ArrayBuffers (V8's external memory), bytes, now: part of `isolateHeapBytes`. */
export function isolateArrayBufferBytes(): number {
  return Deno.memoryUsage().external;
}

/** User plus system CPU time of the whole process so far, µs. */
export function processCpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}
