/**
 * What DuckDB's own allocator holds: DuckDB brings its own jemalloc (symbols prefixed
 * `duckdb_je_`), which glibc's `mallinfo2` does not see (`malloc_stats.ts`). Read through that
 * jemalloc's `mallctl`, from the libduckdb.so this process has loaded (the writer's Worker loads it;
 * every thread shares it), so `bench -- ingest` can set DuckDB's part of the RSS beside V8's and
 * glibc's. Its dirty pages (freed, still resident) are given back after `dirty_decay_ms`, which
 * DuckDB sets to 1 s and `DUCKDB_JE_MALLOC_CONF` overrides (docs/OPERATIONS.md, Memory).
 */

/** DuckDB's jemalloc's figures, bytes (and its decay time now, ms). */
export interface DuckdbAllocatorStats {
  /** Allocated by DuckDB and not yet freed. */
  readonly allocatedBytes: number;
  /** In pages jemalloc handed out (allocated plus what rounding and its slabs leave unused). */
  readonly activeBytes: number;
  /** Resident: active plus its own metadata plus dirty pages freed and not yet given back. */
  readonly residentBytes: number;
  /** How long freed pages stay before jemalloc gives them back (`arenas.dirty_decay_ms`). */
  readonly dirtyDecayMs: number;
}

const encoder = new TextEncoder();

/** int mallctl(const char *name, void *oldp, size_t *oldlenp, void *newp, size_t newlen) */
const MALLCTL = {
  parameters: ["buffer", "buffer", "buffer", "buffer", "usize"],
  result: "i32",
} as const;

type Mallctl = Deno.UnsafeFnPointer<typeof MALLCTL>;

const DL = {
  dlopen: { parameters: ["buffer", "i32"], result: "pointer" },
  dlsym: { parameters: ["pointer", "buffer"], result: "pointer" },
} as const;

/** `dlopen` flags: resolve lazily, and only find a library already loaded, never load one. */
const RTLD_LAZY = 1;
const RTLD_NOLOAD = 4;

let dl: Deno.DynamicLibrary<typeof DL> | null | undefined;
let mallctl: Mallctl | undefined;

/**
 * DuckDB's `duckdb_je_mallctl`, from the libduckdb.so this process already loaded (found by its
 * soname; reading `/proc/self/maps` would need --allow-all), `null` where it cannot be (not glibc
 * Linux, no FFI permission), `undefined` while DuckDB is not loaded yet.
 */
function duckdbMallctl(): Mallctl | null | undefined {
  if (mallctl !== undefined) return mallctl;
  if (dl === undefined) {
    const usable = Deno.build.os === "linux" && Deno.build.env === "gnu" &&
      Deno.permissions.querySync({ name: "ffi" }).state === "granted";
    dl = usable ? Deno.dlopen("libc.so.6", DL) : null;
  }
  if (dl === null) return null;
  const handle = dl.symbols.dlopen(encoder.encode("libduckdb.so\0"), RTLD_LAZY | RTLD_NOLOAD);
  if (handle === null) return undefined;
  const symbol = dl.symbols.dlsym(handle, encoder.encode("duckdb_je_mallctl\0"));
  if (symbol === null) {
    throw new Error(
      "libduckdb.so has no duckdb_je_mallctl: this DuckDB build does not bring its own jemalloc; " +
        "read DuckDB's memory with duckdb_memory() instead",
    );
  }
  // dlsym gives an untyped pointer; MALLCTL is the C signature of the symbol it names.
  return mallctl = new Deno.UnsafeFnPointer(symbol as Deno.PointerObject<typeof MALLCTL>, MALLCTL);
}

function read(call: Mallctl, name: string): bigint {
  const value = new BigUint64Array(1);
  const length = new BigUint64Array([8n]);
  const rc = call.call(
    encoder.encode(`${name}\0`),
    new Uint8Array(value.buffer),
    new Uint8Array(length.buffer),
    null,
    0n,
  );
  if (rc !== 0) {
    throw new Error(
      `DuckDB's jemalloc refused to read ${name} (mallctl error ${rc}): this DuckDB build has no ` +
        `such statistic; read DuckDB's memory with duckdb_memory() instead`,
    );
  }
  return value[0] ?? 0n;
}

/**
 * DuckDB's allocator's figures now, or `null` where they cannot be read (DuckDB not loaded in this
 * process, not Linux, no FFI permission).
 */
export function duckdbAllocatorStats(): DuckdbAllocatorStats | null {
  const call = duckdbMallctl();
  if (call === null || call === undefined) return null;
  // jemalloc's statistics are a snapshot taken when its epoch is advanced.
  const epoch = new BigUint64Array([1n]);
  const rc = call.call(encoder.encode("epoch\0"), null, null, new Uint8Array(epoch.buffer), 8n);
  if (rc !== 0) {
    throw new Error(
      `DuckDB's jemalloc refused to refresh its statistics (mallctl "epoch" error ${rc}): its ` +
        `figures would be stale; read DuckDB's memory with duckdb_memory() instead`,
    );
  }
  return {
    allocatedBytes: Number(read(call, "stats.allocated")),
    activeBytes: Number(read(call, "stats.active")),
    residentBytes: Number(read(call, "stats.resident")),
    // ssize_t: -1 (never purge) reads as 2^64 - 1.
    dirtyDecayMs: Number(BigInt.asIntN(64, read(call, "arenas.dirty_decay_ms"))),
  };
}
