/**
 * The size of a DuckDB file's write-ahead log (`<path>.wal`), which tells a COMMIT that
 * checkpointed (the WAL shrank) from one that did not.
 */

/** Bytes in `<path>.wal`: 0 when there is none, undefined for an in-memory database. */
export function walBytes(path: string): number | undefined {
  if (path === ":memory:") return undefined;
  try {
    return Deno.statSync(`${path}.wal`).size;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw new Error(`Cannot read the size of ${path}.wal`, { cause: error });
  }
}
