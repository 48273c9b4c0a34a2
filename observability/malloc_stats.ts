/**
 * What glibc's malloc holds for the whole process (every thread's arena), read with `mallinfo2`
 * through FFI: the memory behind every ArrayBuffer, Deno's and Rust's own allocations, but not V8's
 * heap pages (V8 maps those itself) nor DuckDB's (it brings its own jemalloc). `bench -- ingest`
 * prints it beside the RSS, so the part of the RSS that is freed memory malloc keeps shows.
 *
 * `mallinfo2` is not a counter read: it walks every arena's free lists, holding that arena's lock.
 * It takes ~1 ms in a fresh process and ~40 ms once 470 MB lie freed in 200,000 pieces, as a long
 * run leaves the pipeline's arenas; meanwhile every thread allocating from a locked arena waits.
 * Read it through `mallocStatsEvery` where it is asked for often (`/status`).
 */

/** glibc malloc's figures, bytes. */
export interface MallocStats {
  /** Taken from the system: the arenas' heaps plus chunks mapped on their own. */
  readonly systemBytes: number;
  /** Allocated and not yet freed (chunks mapped on their own included). */
  readonly inUseBytes: number;
  /** Freed, kept in the arenas for reuse (resident once touched). */
  readonly freeBytes: number;
  /** Of `systemBytes`, chunks mapped on their own (returned to the system when freed). */
  readonly mappedBytes: number;
}

const MALLINFO2 = {
  mallinfo2: {
    parameters: [],
    // struct mallinfo2: arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks,
    // fordblks, keepcost (ten size_t).
    result: { struct: Array<"usize">(10).fill("usize") },
  },
} as const;

let library: Deno.DynamicLibrary<typeof MALLINFO2> | null | undefined;

function libc(): Deno.DynamicLibrary<typeof MALLINFO2> | null {
  if (library !== undefined) return library;
  // Not glibc (macOS, musl), or no FFI permission (the BigQuery target needs none): no figures.
  const usable = Deno.build.os === "linux" && Deno.build.env === "gnu" &&
    Deno.permissions.querySync({ name: "ffi" }).state === "granted";
  library = usable ? Deno.dlopen("libc.so.6", MALLINFO2) : null;
  return library;
}

/** glibc malloc's figures now, or `null` where they cannot be read (see `libc`). */
export function mallocStats(): MallocStats | null {
  const lib = libc();
  if (lib === null) return null;
  const [arena = 0n, , , , mapped = 0n, , , inUse = 0n, free = 0n] = new BigUint64Array(
    lib.symbols.mallinfo2().buffer,
  );
  return {
    systemBytes: Number(arena + mapped),
    inUseBytes: Number(inUse + mapped),
    freeBytes: Number(free),
    mappedBytes: Number(mapped),
  };
}

/**
 * `mallocStats`, read again only once `everyMs` have passed since the last read (see the module's
 * note on its cost); in between, the last figures.
 */
export function mallocStatsEvery(
  everyMs: number,
  now: () => number = () => performance.now(),
  read: () => MallocStats | null = mallocStats,
): () => MallocStats | null {
  let last: { readonly at: number; readonly stats: MallocStats | null } | undefined;
  return () => {
    const at = now();
    if (last === undefined || at - last.at >= everyMs) last = { at, stats: read() };
    return last.stats;
  };
}
