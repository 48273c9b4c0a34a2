/**
 * `deno task bench -- checkpoint-beside [--rows N] [--batch B] [--memory-limit-mb M]`: whether a
 * DuckDB checkpoint holds the writer's commits, in DuckDB 1.5.5 as the pipeline pins it. One
 * instance (1 thread, the pipeline's memory cap, DuckDB 1.5's storage format) attaches two files,
 * `a` and `b`; a first connection commits N synthetic rows into `a` in batches of B (so they sit
 * in `a`'s WAL, as the writer's batches do), then goes on committing batches while a second
 * connection runs `CHECKPOINT a`. Twice: the batches going on into `a` itself (the pipeline today:
 * one file) and into `b` (another attached file). Prints the checkpoint's ms, the commits made
 * while it ran, and the commits' latency (p50, max). Synthetic rows (an id, a 45-byte text, a
 * double, a timestamp), not the staging table: the question is whether the commits wait.
 */
import { parseArgs } from "node:util";
import { type DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";

/** What one scenario measured. */
interface Outcome {
  readonly walBytes: number;
  readonly checkpointMs: number;
  readonly checkpointError: string | null;
  readonly commitsDuring: number;
  readonly commitMs: readonly number[];
}

const TABLE = "(id BIGINT, s VARCHAR, x DOUBLE, ts TIMESTAMP)";

function rows(table: string, from: number, count: number): string {
  return `INSERT INTO ${table} SELECT i, 'text ' || (i % 1000) || repeat('x', 36), i * 0.5, ` +
    `TIMESTAMP '2026-12-01' + to_microseconds(i) FROM range(${from}, ${from + count}) r(i)`;
}

async function scenario(
  dir: string,
  target: "a" | "b",
  n: number,
  batch: number,
  memoryLimitMb: number,
): Promise<Outcome> {
  await Deno.remove(dir, { recursive: true }).catch((error: unknown) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(dir, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:", {
    threads: "1",
    memory_limit: `${memoryLimitMb}MB`,
  });
  const writer = await instance.connect();
  const checkpointer = await instance.connect();
  try {
    // No automatic checkpoint: the one measured is the second connection's.
    await writer.run("SET checkpoint_threshold = '1TB'");
    for (const db of ["a", "b"]) {
      await writer.run(`ATTACH '${dir}/${db}.duckdb' AS ${db} (STORAGE_VERSION 'v1.5.0')`);
      await writer.run(`CREATE TABLE ${db}.t ${TABLE}`);
    }
    for (let from = 0; from < n; from += batch) {
      await writer.run(rows("a.t", from, Math.min(batch, n - from)));
    }
    const walBytes = (await Deno.stat(`${dir}/a.duckdb.wal`)).size;
    const commitMs: number[] = [];
    let during = true;
    let commitsDuring = 0;
    const commits = commitLoop(writer, `${target}.t`, n, batch, commitMs, () => {
      if (during) commitsDuring++;
    });
    await commits.started;
    const t0 = performance.now();
    let checkpointError: string | null = null;
    try {
      await checkpointer.run("CHECKPOINT a");
    } catch (error) {
      checkpointError = error instanceof Error ? error.message : String(error);
    }
    const checkpointMs = performance.now() - t0;
    during = false;
    await commits.stop();
    return { walBytes, checkpointMs, checkpointError, commitsDuring, commitMs };
  } finally {
    checkpointer.closeSync();
    writer.closeSync();
    instance.closeSync();
  }
}

/** Commits batches of `batch` rows into `table` one after another until stopped. */
function commitLoop(
  c: DuckDBConnection,
  table: string,
  from: number,
  batch: number,
  commitMs: number[],
  onCommit: () => void,
): { started: Promise<void>; stop: () => Promise<void> } {
  const started = Promise.withResolvers<void>();
  let stopped = false;
  const loop = (async () => {
    for (let next = from; !stopped; next += batch) {
      const t0 = performance.now();
      const commit = c.run(rows(table, next, batch));
      started.resolve(); // the checkpoint starts while this commit runs
      await commit;
      commitMs.push(performance.now() - t0);
      onCommit();
    }
  })();
  return {
    started: started.promise,
    stop: async () => {
      stopped = true;
      await loop;
    },
  };
}

function pct(sorted: readonly number[], q: number): string {
  return (sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN).toFixed(1);
}

/** Runs both scenarios and prints their figures. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      rows: { type: "string", default: "1500000" },
      batch: { type: "string", default: "10000" },
      "memory-limit-mb": { type: "string", default: "128" },
    },
  });
  const n = Number(values.rows);
  const batch = Number(values.batch);
  const memoryLimitMb = Number(values["memory-limit-mb"]);
  for (const [name, v] of [["rows", n], ["batch", batch], ["memory-limit-mb", memoryLimitMb]]) {
    if (!Number.isSafeInteger(v) || Number(v) < 1) {
      throw new RangeError(`--${name} must be a whole number of 1 or more, got ${v}`);
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "checkpoint-beside-" });
  try {
    console.log(
      `checkpoint-beside: ${n} rows committed into a in batches of ${batch}, then CHECKPOINT a ` +
        `on a second connection while the first commits batches of ${batch} (1 thread, ` +
        `memory_limit ${memoryLimitMb} MB)`,
    );
    for (const target of ["a", "b"] as const) {
      const o = await scenario(`${dir}/${target}`, target, n, batch, memoryLimitMb);
      const sorted = [...o.commitMs].sort((x, y) => x - y);
      console.log(
        `commits into ${target === "a" ? "a itself (one file)" : "b (another attached file)"}: ` +
          `WAL ${(o.walBytes / 1048576).toFixed(0)} MiB, checkpoint ${
            o.checkpointMs.toFixed(0)
          } ms${
            o.checkpointError === null ? "" : ` (failed: ${o.checkpointError})`
          }, ${o.commitsDuring} commits while it ran, commit latency p50 ${
            pct(sorted, 0.5)
          } ms, max ${pct(sorted, 1)} ms (${sorted.length} commits)`,
      );
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}
