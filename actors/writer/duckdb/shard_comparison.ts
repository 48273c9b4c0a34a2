/**
 * `bench -- duckdb --shards=N`: the writer alone on the pipeline's one file next to its staging
 * rows and watermarks rotated between N shard files checkpointed beside the writes
 * (`shard_rotation.ts`), over the same rows, round after round (every other round the shards
 * first), optionally with a process spinning on the other core. Prints figures; never fails on
 * speed.
 */

import { packRows, unpackRows } from "../../../messages/packed_rows.ts";
import type { StringCompression } from "../../../messages/writer.ts";
import { batchPool, poolBatches, type RowSource } from "./bench_batches.ts";
import { type CheckpointFigure, type ShardFigures, writeSharded } from "./shard_rotation.ts";

/** What the comparison takes from the bench's options. */
export interface ShardComparisonOptions {
  readonly rows: number;
  readonly batch: number;
  readonly threads: number;
  readonly stringCompression: StringCompression;
  readonly source: RowSource;
  readonly repeat: number;
  readonly memoryLimitMb: number;
  /** DuckDB's memory limit of the sharded runs (and of a one-file run beside them if other). */
  readonly shardsMemoryLimitMb: number;
  readonly shards: number;
  readonly checkpointMb: number;
  readonly otherCore: "idle" | "busy";
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString("en");
const s = (ms: number) => (ms / 1000).toFixed(2);
const mib = (bytes: number) => (bytes / 1048576).toFixed(0);

function percentile(sorted: readonly number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}

const sum = (list: readonly number[]) => list.reduce((a, b) => a + b, 0);

function checkpointList(list: readonly CheckpointFigure[]): string {
  if (list.length === 0) return "none";
  return `${list.length}, ${Math.round(sum(list.map((c) => c.ms)))} ms in all: ` +
    list.map((c) =>
      `${Math.round(c.ms)} (${c.site}${c.walBytes > 0 ? `, ${mib(c.walBytes)} MiB` : ""})`
    ).join(", ");
}

function print(name: string, round: number, f: ShardFigures): void {
  const perRow = (micros: number) => (micros / f.rows).toFixed(2);
  const sorted = [...f.batchMs].sort((a, b) => a - b);
  console.log(
    `${name}, round ${round}: ${f.rows.toLocaleString("en")} rows in ${f.batches} batches; ` +
      `writes ${s(f.writeMs)} s = ${rate(f.rows, f.writeMs)} rows/s; with the checkpoints ` +
      `still running at the end (${s(f.drainMs)} s) ${rate(f.rows, f.writeMs + f.drainMs)} ` +
      `rows/s; with the final CHECKPOINTs too (${s(f.finalMs)} s) ` +
      `${rate(f.rows, f.writeMs + f.drainMs + f.finalMs)} rows/s`,
  );
  console.log(
    `  CPU µs/row: process over the writes ${perRow(f.writeCpu)}, with the end ` +
      `${perRow(f.writeCpu + f.endCpu)}; the writer's JS thread ${perRow(f.threadCpu)}`,
  );
  console.log(
    `  batch write ms: p50 ${percentile(sorted, 0.5).toFixed(0)}, p90 ` +
      `${percentile(sorted, 0.9).toFixed(0)}, p99 ${percentile(sorted, 0.99).toFixed(0)}, max ` +
      `${percentile(sorted, 1).toFixed(0)}, mean ${(sum(sorted) / sorted.length).toFixed(0)}`,
  );
  console.log(`  checkpoints (ms): ${checkpointList(f.checkpoints)}`);
  if (f.rotationWaitMs.length > 0) {
    const waits = f.rotationWaitMs;
    console.log(
      `  shard switches ${waits.length}; the writer waited for that shard's checkpoint ` +
        `${Math.round(sum(waits))} ms in all, at most ${Math.round(Math.max(...waits))} ms ` +
        `(${waits.filter((w) => w >= 1).length} waits of 1 ms or more)`,
    );
  }
  console.log(
    `  files after the final checkpoints: ${mib(f.fileBytes)} MiB ` +
      `(${(f.fileBytes / f.rows).toFixed(0)} bytes per row)`,
  );
}

/** A process spinning on a core until ended (the pipeline's enricher takes the other core). */
function spinOtherCore(): Deno.ChildProcess {
  return new Deno.Command(Deno.execPath(), {
    args: ["eval", "for (;;) {}"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
}

async function removeRun(dir: string, name: string, shards: number): Promise<void> {
  const bases = [`${dir}/${name}.duckdb`];
  for (let i = 1; i <= shards; i++) bases.push(`${dir}/${name}_s${i}.duckdb`);
  for (const base of bases) {
    for (const file of [base, `${base}.wal`, `${base}.tmp`]) {
      await Deno.remove(file, { recursive: true }).catch((error: unknown) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
  }
}

/** Runs the comparison (see the module doc) with its files in `dir`. */
export async function shardComparison(options: ShardComparisonOptions, dir: string): Promise<void> {
  if (options.shards < 2) throw new RangeError("--shards must be 2 or more");
  const pool = await batchPool(options.source, options.batch, dir);
  const ways = [
    { name: `one file, ${options.memoryLimitMb} MB`, shards: 0, mb: options.memoryLimitMb },
    ...(options.shardsMemoryLimitMb === options.memoryLimitMb ? [] : [
      {
        name: `one file, ${options.shardsMemoryLimitMb} MB`,
        shards: 0,
        mb: options.shardsMemoryLimitMb,
      },
    ]),
    {
      name: `${options.shards} shards, ${options.shardsMemoryLimitMb} MB`,
      shards: options.shards,
      mb: options.shardsMemoryLimitMb,
    },
  ];
  console.log(
    `writer alone, rows from ${options.source}: one file (DuckDB's checkpoint in the COMMIT past ` +
      `${options.checkpointMb} MB of WAL) against ${options.shards} shards rotated at ` +
      `${options.checkpointMb} MB, each checkpointed beside the writes; memory_limit (MB) as ` +
      `named, threads ${options.threads}, the other core ${options.otherCore}`,
  );
  const spinner = options.otherCore === "busy" ? spinOtherCore() : undefined;
  try {
    const write = async (name: string, shards: number, mb: number, rows: number) => {
      const all = poolBatches(pool, rows);
      const f = await writeSharded({
        dir,
        name,
        shards,
        threads: options.threads,
        stringCompression: options.stringCompression,
        memoryLimit: `${mb}MB`,
        thresholdMb: options.checkpointMb,
      }, () => {
        const next = all.next();
        return next.done ? undefined : unpackRows(packRows(next.value));
      });
      await removeRun(dir, name, shards);
      return f;
    };
    // Warms the code and the allocator once each way, over the pool.
    const poolRows = pool.reduce((n, b) => n + b.rowCount, 0);
    for (const [w, way] of ways.entries()) await write(`warm_${w}`, way.shards, way.mb, poolRows);
    const figures = ways.map((): ShardFigures[] => []);
    for (let round = 1; round <= options.repeat; round++) {
      const order = [...ways.keys()];
      if (round % 2 === 0) order.reverse();
      for (const w of order) {
        const way = ways[w];
        if (way === undefined) continue;
        const f = await write(`r${round}_${w}`, way.shards, way.mb, options.rows);
        figures[w]?.push(f);
        print(way.name, round, f);
      }
    }
    console.log("summary by round (writes only / with every checkpoint done):");
    for (const [w, way] of ways.entries()) {
      const runs = figures[w] ?? [];
      console.log(
        `  ${way.name}: rows/s ${runs.map((f) => rate(f.rows, f.writeMs)).join(" / ")}; ` +
          `${
            runs.map((f) => rate(f.rows, f.writeMs + f.drainMs + f.finalMs)).join(" / ")
          }; CPU µs/row ${runs.map((f) => (f.writeCpu / f.rows).toFixed(2)).join(" / ")}; ` +
          `batch max ms ${runs.map((f) => Math.round(Math.max(...f.batchMs))).join(" / ")}`,
      );
    }
  } finally {
    if (spinner !== undefined) {
      spinner.kill("SIGKILL");
      await spinner.status;
    }
  }
}
