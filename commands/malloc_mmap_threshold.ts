/**
 * glibc's mmap threshold for the pipeline process, set by the pipeline itself at start
 * (`MALLOC_MMAP_THRESHOLD_KB`): `mallopt(M_MMAP_THRESHOLD, bytes)` through FFI on the main thread,
 * before any Worker starts. Allocations of that size or more are then mapped on their own and
 * given back to the system when freed, instead of glibc's own threshold, which rises to the
 * largest block freed so far (up to 32 MiB) and so leaves the per-thread arenas to fragment with a
 * large backlog (docs/OPERATIONS.md, Memory).
 *
 * Why `mallopt` and not the `MALLOC_MMAP_THRESHOLD_` variable: glibc reads the variable once, when
 * the process starts, so only a parent could set it. The launcher (`deno task start`) could, but
 * not for the compiled binary, nor for `deno run main.ts start`; and the variable would pass on to
 * whatever the pipeline starts (the dev broker's java, dbt). The call holds in every way the
 * pipeline runs, and `start` always holds the FFI permission it needs (DuckDB's and the geoip
 * table's mmap need it too: `config/command_permissions.ts`).
 *
 * A user's own `MALLOC_MMAP_THRESHOLD_` (or `glibc.malloc.mmap_threshold` in `GLIBC_TUNABLES`)
 * wins: glibc has applied it already, and the pipeline leaves it. Off glibc (musl, macOS) there is
 * nothing to set; the start logs it and goes on.
 */

import { mallocStats } from "../observability/malloc_stats.ts";

/** `mallopt`'s parameter number for the mmap threshold (glibc's `malloc.h`). */
export const M_MMAP_THRESHOLD = -3;

/** `mallopt`'s parameter number for the trim threshold (glibc's `malloc.h`). */
export const M_TRIM_THRESHOLD = -1;

/**
 * glibc's default trim threshold, bytes: free memory at the top of a heap past it goes back to the
 * system. glibc's own mmap threshold raises it to twice itself as it rises; set back here, so the
 * process runs as with `MALLOC_MMAP_THRESHOLD_` from its start.
 */
export const DEFAULT_TRIM_THRESHOLD = 128 * 1024;

/** The largest threshold glibc takes on 64-bit (`DEFAULT_MMAP_THRESHOLD_MAX`), KiB. */
export const MMAP_THRESHOLD_MAX_KB = 32_768;

/** The variable glibc reads at process start. */
export const MALLOC_MMAP_THRESHOLD_ENV = "MALLOC_MMAP_THRESHOLD_";

/** What the start did about the threshold, as logged. */
export type MmapThresholdOutcome =
  /**
   * Set to `kb` KiB (and the trim threshold to glibc's default, unless the user set it); `fixed`:
   * a block at least that large, and larger than all the free memory malloc holds, was mapped on
   * its own twice in a row, which glibc's own threshold does not do (it rises to the first block
   * once it is freed).
   */
  | {
    readonly applied: "setting";
    readonly kb: number;
    readonly trimKb: number | "user";
    readonly fixed: boolean;
  }
  /** The user's own variable, left as glibc applied it. */
  | { readonly applied: "environment"; readonly variable: string; readonly value: string }
  /** `MALLOC_MMAP_THRESHOLD_KB=0`: glibc's own dynamic threshold. */
  | { readonly applied: "glibc-dynamic" }
  /** Nothing could be set: not glibc, or no FFI permission. */
  | { readonly applied: "none"; readonly reason: string };

/** The process's libc, as far as the threshold needs it. */
export interface ThresholdLibc {
  /** glibc's `mallopt`: 1 on success, 0 when the value is refused. */
  mallopt(param: number, value: number): number;
  /**
   * Whether a fresh block of at least `bytes`, larger than all the free memory malloc holds (so no
   * free chunk can serve it), is mapped on its own; freed at once after the check.
   */
  mapsAlone(bytes: number): boolean;
}

/** Where the process stands: its environment and its libc (or why there is none to use). */
export interface ThresholdContext {
  readonly env: (name: string) => string | undefined;
  readonly libc: () => ThresholdLibc | { readonly unavailable: string };
}

/**
 * Applies `kb` KiB as glibc's fixed mmap threshold unless the user set their own or `kb` is 0;
 * returns what was done. Throws a `RangeError` when glibc refuses the value (the setting's range
 * keeps it within what glibc takes).
 */
export function applyMmapThreshold(
  kb: number,
  context: ThresholdContext = processContext(),
): MmapThresholdOutcome {
  const own = context.env(MALLOC_MMAP_THRESHOLD_ENV);
  if (own !== undefined && own !== "") {
    return { applied: "environment", variable: MALLOC_MMAP_THRESHOLD_ENV, value: own };
  }
  const tunable = /(?:^|:)glibc\.malloc\.mmap_threshold=([^:]*)/.exec(
    context.env("GLIBC_TUNABLES") ?? "",
  );
  if (tunable !== null) {
    return { applied: "environment", variable: "GLIBC_TUNABLES", value: tunable[1] ?? "" };
  }
  if (kb === 0) return { applied: "glibc-dynamic" };
  const libc = context.libc();
  if ("unavailable" in libc) return { applied: "none", reason: libc.unavailable };
  const bytes = kb * 1024;
  if (libc.mallopt(M_MMAP_THRESHOLD, bytes) !== 1) {
    throw new RangeError(
      `glibc refused an mmap threshold of ${kb} KiB: set MALLOC_MMAP_THRESHOLD_KB from 0 to ` +
        `${MMAP_THRESHOLD_MAX_KB}`,
    );
  }
  const ownTrim = context.env("MALLOC_TRIM_THRESHOLD_") !== undefined ||
    /(?:^|:)glibc\.malloc\.trim_threshold=/.test(context.env("GLIBC_TUNABLES") ?? "");
  if (!ownTrim && libc.mallopt(M_TRIM_THRESHOLD, DEFAULT_TRIM_THRESHOLD) !== 1) {
    throw new Error(`glibc refused its own default trim threshold (${DEFAULT_TRIM_THRESHOLD})`);
  }
  // Twice: glibc's own threshold would rise to the first block's size when it is freed.
  const fixed = libc.mapsAlone(bytes) && libc.mapsAlone(bytes);
  const trimKb = ownTrim ? "user" : DEFAULT_TRIM_THRESHOLD / 1024;
  return { applied: "setting", kb, trimKb, fixed };
}

const LIBC_SYMBOLS = {
  mallopt: { parameters: ["i32", "i32"], result: "i32" },
  malloc: { parameters: ["usize"], result: "pointer" },
  free: { parameters: ["pointer"], result: "void" },
} as const;

/** Bytes the probe's block exceeds malloc's free memory by. */
const PROBE_MARGIN = 1024 * 1024;

/** glibc's chunk header flag of a block mapped on its own (`IS_MMAPPED`). */
const IS_MMAPPED = 0x2n;

/** This process: its environment and, on glibc with FFI granted, its libc. */
export function processContext(): ThresholdContext {
  return {
    env: (name) => Deno.env.get(name),
    libc: () => {
      if (Deno.build.os !== "linux" || Deno.build.env !== "gnu") {
        return { unavailable: `not glibc (${Deno.build.os}, ${Deno.build.env ?? "no libc"})` };
      }
      if (Deno.permissions.querySync({ name: "ffi" }).state !== "granted") {
        return { unavailable: "no FFI permission" };
      }
      const lib = Deno.dlopen("libc.so.6", LIBC_SYMBOLS);
      const free = () => mallocStats()?.freeBytes ?? 0;
      return {
        mallopt: (param, value) => lib.symbols.mallopt(param, value),
        mapsAlone: (atLeast) => {
          const bytes = Math.max(atLeast, free() + PROBE_MARGIN);
          const block = lib.symbols.malloc(BigInt(bytes));
          if (block === null) {
            throw new Error(`malloc(${bytes}) failed: the system is out of memory`);
          }
          try {
            // The chunk's size field, just before the block, carries its flags.
            return (new Deno.UnsafePointerView(block).getBigUint64(-8) & IS_MMAPPED) !== 0n;
          } finally {
            lib.symbols.free(block);
          }
        },
      };
    },
  };
}
