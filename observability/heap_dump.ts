/**
 * Heap snapshots on request, to find what a long run retains: with `PIPELINE_HEAP_DUMP_DIR` set,
 * each thread that called `dumpHeapOnSignal` (the host and every actor's Worker) writes a V8 heap
 * snapshot of its own isolate when the process gets SIGUSR2, as
 * `<dir>/<name>-<n>.heapsnapshot` (n counts the signals, from 1), and the host also writes glibc's
 * `malloc_info` (every arena's free chunks by size) as `<dir>/malloc-<n>.xml`. Open a snapshot in
 * Chrome's DevTools (Memory tab) or sum it by constructor with `tools/heap/heap_summary.ts`.
 *
 * A diagnosis aid, off by default: writing a snapshot stops that isolate for a second or more per
 * 100 MB of heap (a full collection first, so the snapshot holds only what is live), and it needs
 * write permission for the folder. `bench -- ingest --heap-dumps DIR [--dump-kind malloc]` sets
 * it and signals at 25% and 75% of the run.
 */
import v8 from "node:v8";
import { getLogger } from "./log.ts";

const log = getLogger("heap");

/** The environment variable naming the folder the snapshots go to. */
export const HEAP_DUMP_DIR_ENV = "PIPELINE_HEAP_DUMP_DIR";
/**
 * With this set to `malloc`, only the host's `malloc_info` is written: a heap snapshot allocates
 * hundreds of MB through malloc on every thread, which stay in its arenas as freed and kept, so a
 * later `malloc_info` of the same run would show the snapshots' memory, not the pipeline's.
 */
export const HEAP_DUMP_KIND_ENV = "PIPELINE_HEAP_DUMP_KIND";

/** What a dump writes: heap snapshots (and the host's `malloc_info`), or `malloc_info` only. */
export const HEAP_DUMP_KINDS = ["heap", "malloc"] as const;
export type HeapDumpKind = typeof HEAP_DUMP_KINDS[number];

export function isHeapDumpKind(value: unknown): value is HeapDumpKind {
  return HEAP_DUMP_KINDS.some((kind) => kind === value);
}

const MALLOC_INFO = {
  fopen: { parameters: ["buffer", "buffer"], result: "pointer" },
  fclose: { parameters: ["pointer"], result: "i32" },
  malloc_info: { parameters: ["i32", "pointer"], result: "i32" },
} as const;

/** A C string (NUL-terminated) of `text`, for FFI. */
function cString(text: string): Uint8Array<ArrayBuffer> {
  return new TextEncoder().encode(`${text}\0`);
}

/** Writes glibc's `malloc_info` XML to `path` (nothing off glibc or without FFI permission). */
export function writeMallocInfo(path: string): boolean {
  const usable = Deno.build.os === "linux" && Deno.build.env === "gnu" &&
    Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  if (!usable) return false;
  const libc = Deno.dlopen("libc.so.6", MALLOC_INFO);
  try {
    const file = libc.symbols.fopen(cString(path), cString("w"));
    if (file === null) {
      throw new Deno.errors.PermissionDenied(
        `malloc_info could not open ${path} for writing: check that the folder exists and is writable`,
      );
    }
    libc.symbols.malloc_info(0, file);
    libc.symbols.fclose(file);
    return true;
  } finally {
    libc.close();
  }
}

/**
 * With `PIPELINE_HEAP_DUMP_DIR` set, writes this thread's heap snapshot as `<dir>/<name>-<n>` on
 * each SIGUSR2 (and, with `withMalloc`, glibc's `malloc_info` as `<dir>/malloc-<n>.xml`); without
 * it, does nothing. Returns a function that stops listening.
 */
export function dumpHeapOnSignal(name: string, withMalloc = false): () => void {
  const dir = Deno.env.get(HEAP_DUMP_DIR_ENV);
  if (dir === undefined || dir === "") return () => {};
  const kind = Deno.env.get(HEAP_DUMP_KIND_ENV) || "heap";
  if (!isHeapDumpKind(kind)) {
    throw new RangeError(
      `${HEAP_DUMP_KIND_ENV} must be ${HEAP_DUMP_KINDS.join(" or ")} (or unset: heap), got ` +
        `${JSON.stringify(kind)}`,
    );
  }
  const mallocOnly = kind === "malloc";
  if (mallocOnly && !withMalloc) return () => {};
  let n = 0;
  const dump = () => {
    n++;
    const started = performance.now();
    try {
      if (withMalloc) writeMallocInfo(`${dir}/malloc-${n}.xml`);
      if (mallocOnly) return;
      const path = v8.writeHeapSnapshot(`${dir}/${name}-${n}.heapsnapshot`);
      log.info("HeapSnapshotWritten", { name, path, ms: Math.round(performance.now() - started) });
    } catch (error: unknown) {
      // A diagnosis aid must not end the pipeline: a folder it may not write is said, not thrown.
      if (
        !(error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied)
      ) throw error;
      log.error("HeapSnapshotFailed", {
        name,
        dir,
        reason: error.message,
        hint: `set ${HEAP_DUMP_DIR_ENV} to a folder the process may write (its data directory)`,
      });
    }
  };
  Deno.addSignalListener("SIGUSR2", dump);
  return () => Deno.removeSignalListener("SIGUSR2", dump);
}
