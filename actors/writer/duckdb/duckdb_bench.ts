/**
 * `deno task bench -- duckdb [--rows=N] [--batch=N] [--threads=N] [--appender-rows=N]
 * [--only=columnar|appender] [--string-compression=auto|off] [--rows-from=synthetic|generated]
 * [--without=<group>[,<group>]|each ...] [--repeat=N] [--memory-limit-mb=N] [--shards=N]
 * [--shards-memory-limit-mb=N] [--checkpoint-mb=N] [--other-core=idle|busy]`:
 * rows/s writing realistic staging rows, packed as the enricher packs them, into a DuckDB file
 * through `unpackRows` and `DuckDBWarehouse.writeBatch` (vectors filled from the packed bytes,
 * dedupe, dimensions, one transaction each), both with each batch prepared
 * inside its own write and with the next batch prepared while the one before commits (the
 * writer actor's way), next to DuckDB's row-at-a-time appender in the same transactions (over
 * fewer rows by default: its nested cells go through DuckDB value objects, a few hundred rows/s).
 * With `--without`, instead: DuckDB's wall time per row by phase (staging append, COMMIT,
 * checkpoints) writing the same rows into the whole staging table and into one lacking each named
 * group of columns (`column_groups.ts`; `each`: every group alone, then all of them), through the
 * writer's transaction standalone (`narrow_staging.ts`), `--repeat` times round (every other
 * round in reverse order), under DuckDB's memory limit in the pipeline (`--memory-limit-mb`,
 * default `DUCKDB_MEMORY_LIMIT_MB`; the other runs default to the warehouse's). `--rows-from`
 * picks synthetic rows or generated events through the real enricher (`bench_batches.ts`).
 * With `--shards=N`, instead: the writer's transaction standalone on the pipeline's one file
 * (DuckDB checkpointing inside the COMMIT past `--checkpoint-mb`, default `DUCKDB_CHECKPOINT_MB`)
 * next to its staging rows and watermarks rotated between N attached shard files, each
 * checkpointed beside the writes once left (`shard_rotation.ts`), `--repeat` times round,
 * alternating which goes first: rows/s, CPU per row, each batch's write time, each checkpoint,
 * and the writer's waits for a shard's checkpoint. The shards hold two staging tables' rows in
 * memory at once: at the pipeline's 128 MB cap their COMMIT fails to allocate a block, so
 * `--shards-memory-limit-mb` runs them (and the one file beside them) under another cap. `--other-core=busy` keeps a process spinning
 * beside the bench (in the pipeline the enricher takes the other core).
 * Prints figures; never fails on speed.
 */

import {
  type DuckDBAppender,
  DuckDBInstance,
  type DuckDBType,
  type DuckDBValue,
  listValue,
  structValue,
  timestampTZValue,
  VARCHAR,
} from "@duckdb/node-api";
import { BenchFlags } from "../../../bench/bench_flags.ts";
import {
  type Cell,
  isNestedType,
  NESTED_TYPES,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../../messages/staging_columns.ts";
import type { NestedElement, StructList } from "../../../messages/nested_columns.ts";
import { packRows, unpackRows } from "../../../messages/packed_rows.ts";
import { batchPool, isRowSource, poolBatches, type RowSource } from "./bench_batches.ts";
import { COLUMN_GROUPS, type ColumnGroup, columnsWithout, parseGroups } from "./column_groups.ts";
import { type NarrowFigures, writeNarrow } from "./narrow_staging.ts";
import { shardComparison } from "./shard_comparison.ts";
import { PhaseClock } from "../phase_clock.ts";
import {
  DUCKDB_CHECKPOINT_MB,
  DUCKDB_MEMORY_LIMIT_MB,
  WRITE_PHASES,
  type WritePhase,
} from "../../../messages/writer.ts";
import type { WarehouseBatch } from "../warehouse.ts";
import { processCpuMicros, threadCpuMicros } from "../../../observability/thread_cpu.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { stagingDdl } from "./schema.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { isStringCompression, type StringCompression } from "../../../messages/writer.ts";

interface Options {
  rows: number;
  batch: number;
  threads: number;
  /** Rows the row-at-a-time appender writes (default 10,000). */
  appenderRows: number;
  only: string | undefined;
  stringCompression: StringCompression;
  source: RowSource;
  /** Staging tables to compare with the whole one, each lacking these groups. */
  without: ColumnGroup[][];
  repeat: number;
  /** DuckDB's memory limit in MB, when given. */
  memoryLimitMb: number | undefined;
  /** Shards to compare with the one file (0: no such comparison). */
  shards: number;
  /** DuckDB's memory limit in MB of the sharded runs, when given. */
  shardsMemoryLimitMb: number | undefined;
  checkpointMb: number;
  otherCore: "idle" | "busy";
}

function parse(args: string[]): Options {
  const flags = new BenchFlags("duckdb", args);
  const options: Options = {
    rows: flags.count("rows", 1_000_000),
    batch: flags.count("batch", 10_000),
    threads: flags.count("threads", 1),
    appenderRows: flags.count("appender-rows", 10_000),
    only: flags.text("only"),
    stringCompression: stringCompression(flags.text("string-compression") ?? "auto"),
    source: rowSource(flags.text("rows-from") ?? "synthetic"),
    without: flags.all("without").flatMap((text) => {
      if (text !== "each") return [parseGroups(text)];
      const each = Object.keys(COLUMN_GROUPS).map((group) => parseGroups(group));
      return [...each, each.flat()];
    }),
    repeat: flags.count("repeat", 1),
    memoryLimitMb: flags.optionalCount("memory-limit-mb"),
    shards: flags.optionalCount("shards") ?? 0,
    shardsMemoryLimitMb: flags.optionalCount("shards-memory-limit-mb"),
    checkpointMb: flags.count("checkpoint-mb", DUCKDB_CHECKPOINT_MB),
    otherCore: otherCore(flags.text("other-core") ?? "idle"),
  };
  flags.rejectUnread();
  return options;
}

function rowSource(text: string): RowSource {
  if (isRowSource(text)) return text;
  throw new RangeError(`--rows-from must be synthetic or generated, got ${JSON.stringify(text)}`);
}

function otherCore(text: string): "idle" | "busy" {
  if (text === "idle" || text === "busy") return text;
  throw new RangeError(`--other-core must be idle or busy, got ${JSON.stringify(text)}`);
}

function stringCompression(text: string): StringCompression {
  if (isStringCompression(text)) return text;
  throw new RangeError(`--string-compression must be auto or off, got ${JSON.stringify(text)}`);
}

/** Batches of realistic rows: a pool of 10 distinct batches, offsets made unique per batch. */
async function batches(options: Options, dir: string): Promise<Generator<RowBatch>> {
  return poolBatches(await batchPool(options.source, options.batch, dir), options.rows);
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString("en");

/** The rows of every batch, prepared inside each write or, as the writer does, ahead of it. */
async function columnar(options: Options, dir: string, ahead: boolean): Promise<void> {
  const warehouse = new DuckDBWarehouse({
    path: `${dir}/columnar_${ahead ? "ahead" : "inside"}.duckdb`,
    threads: options.threads,
    stringCompression: options.stringCompression,
    ...(options.memoryLimitMb === undefined ? {} : { memoryLimit: `${options.memoryLimitMb}MB` }),
  });
  await warehouse.open();
  // Rows made and packed as the enricher packs them (not timed: neither wall time nor CPU);
  // unpacking is the writer's work, so it is.
  let untimedMs = 0;
  let untimedCpu = 0;
  const all = await batches(options, dir);
  const nextBatch = (): WarehouseBatch | undefined => {
    const wallStart = performance.now();
    const cpuStart = threadCpuMicros();
    const next = all.next();
    const packed = next.done ? undefined : packRows(next.value);
    untimedCpu += threadCpuMicros() - cpuStart;
    untimedMs += performance.now() - wallStart;
    return packed === undefined ? undefined : { rows: unpackRows(packed), deadLetters: [] };
  };
  // CPU of this (the writer's JS) thread making batches ready, and of the whole process.
  let prepareCpu = 0;
  const prepare = (rows: WarehouseBatch): WarehouseBatch => {
    const cpuStart = threadCpuMicros();
    const ready = warehouse.prepareBatch(rows);
    prepareCpu += threadCpuMicros() - cpuStart;
    return ready;
  };
  const start = performance.now();
  const threadStart = threadCpuMicros();
  const processStart = processCpuMicros();
  let current = nextBatch();
  let prepared = current === undefined || !ahead ? undefined : prepare(current);
  const phases = new Array<number>(WRITE_PHASES.length).fill(0);
  while (current !== undefined) {
    const upcoming = nextBatch();
    const clock = new PhaseClock();
    if (!ahead) await warehouse.writeBatch(current, undefined, clock);
    else {
      let ready: WarehouseBatch | undefined;
      await warehouse.writeBatch(prepared ?? current, () => {
        if (upcoming !== undefined) ready = prepare(upcoming);
      }, clock);
      prepared = ready ?? (upcoming === undefined ? undefined : prepare(upcoming));
    }
    clock.toArray().forEach((ms, i) => phases[i]! += ms);
    current = upcoming;
  }
  const threadCpu = threadCpuMicros() - threadStart - untimedCpu;
  const processCpu = processCpuMicros() - processStart - untimedCpu;
  const ms = performance.now() - start - untimedMs;
  const checkpointStart = performance.now();
  await warehouse.query("CHECKPOINT");
  const checkpointMs = performance.now() - checkpointStart;
  await warehouse.close();
  const fileBytes = (await Deno.stat(`${dir}/columnar_${ahead ? "ahead" : "inside"}.duckdb`)).size;
  const how = ahead ? "next batch prepared during the commit" : "each batch prepared in its write";
  console.log(
    `columnar, ${how}: ${rate(options.rows, ms)} rows/s (${(ms / 1000).toFixed(1)} s), ` +
      `${rate(options.rows, ms + checkpointMs)} rows/s with the final checkpoint ` +
      `(${(checkpointMs / 1000).toFixed(1)} s)`,
  );
  const perRow = (micros: number) => (micros / options.rows).toFixed(2);
  console.log(
    `  CPU µs/row: writer thread ${perRow(threadCpu)}` +
      (ahead ? ` (preparing batches ${perRow(prepareCpu)})` : "") +
      `, whole process ${perRow(processCpu)} (making and packing rows left out)`,
  );
  const shown: readonly WritePhase[] = [
    "plan",
    "staging",
    "dimensions",
    "watermarks",
    "prepareInCommit",
    "commit",
    "checkpoint",
  ];
  console.log(
    "  wall µs/row in writeBatch: " +
      shown.map((phase) => `${phase} ${perRow((phases[WRITE_PHASES.indexOf(phase)] ?? 0) * 1000)}`)
        .join(", ") +
      `; final CHECKPOINT ${perRow(checkpointMs * 1000)}`,
  );
  console.log(
    `  database file after the final checkpoint: ${(fileBytes / 1048576).toFixed(0)} MiB ` +
      `(${(fileBytes / options.rows).toFixed(0)} bytes per row)`,
  );
}

/** A nested cell as a DuckDB list of structs (absent members null). */
function nestedValue(elements: readonly NestedElement[], list: StructList): DuckDBValue {
  return listValue(
    elements.map((element) =>
      structValue(Object.fromEntries(list.fields.map((field) => {
        const member = element[field.name];
        if (member === undefined) return [field.name, null];
        if (field.type === "VARCHAR") return [field.name, String(member)];
        if (field.type === "BIGINT") return [field.name, BigInt(Number(member))];
        return [field.name, nestedValue(Array.isArray(member) ? member : [], field.type)];
      })))
    ),
  );
}

/** One cell as the row appender takes it, by its staging column type (`duck` for lists). */
function appendCell(appender: DuckDBAppender, value: Cell, type: string, duck: DuckDBType): void {
  if (value === null) appender.appendNull();
  else if (type === "VARCHAR") appender.appendVarchar(String(value));
  else if (type === "BIGINT") appender.appendBigInt(BigInt(Number(value)));
  else if (type === "INTEGER") appender.appendInteger(Number(value));
  else if (type === "DOUBLE") appender.appendDouble(Number(value));
  else if (type === "BOOLEAN") appender.appendBoolean(value === true);
  else if (isNestedType(type) && Array.isArray(value)) {
    const elements = value.filter((v): v is NestedElement => typeof v === "object");
    appender.appendValue(nestedValue(elements, NESTED_TYPES[type]), duck);
  } else if (Array.isArray(value)) appender.appendValue(listValue(value.map(String)), duck);
  else throw new TypeError(`Cannot append ${JSON.stringify(value)} as ${type}`);
}

const TYPES = STAGING_COLUMNS.map((spec) => spec.type);

function appendRow(
  appender: DuckDBAppender,
  ducks: readonly DuckDBType[],
  rows: RowBatch,
  row: number,
  nowMs: number,
) {
  for (let c = 0; c < TYPES.length; c++) {
    appendCell(
      appender,
      rows.columns[c]?.[row] ?? null,
      TYPES[c] ?? "VARCHAR",
      ducks[c] ?? VARCHAR,
    );
  }
  appender.appendValue(timestampTZValue(BigInt(nowMs) * 1000n)); // _ingested_at
  appender.appendInteger(0); // _offset_epoch
  appender.endRow();
}

async function rowAppender(options: Options, dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(`${dir}/rows.duckdb`, {
    threads: String(options.threads),
    checkpoint_threshold: "256MB",
  });
  const connection = await instance.connect();
  // Every column of the row, as the row appender writes them (the reference, not the warehouse's
  // narrow generation).
  await connection.run(stagingDdl(1, STAGING_TABLE_COLUMNS));
  const rowCount = Math.min(options.rows, options.appenderRows);
  const start = performance.now();
  for (const rows of await batches({ ...options, rows: rowCount }, dir)) {
    await connection.run("BEGIN TRANSACTION");
    const appender = await connection.createAppender("staging_g1");
    const now = Date.now();
    const ducks = TYPES.map((_, c) => appender.columnType(c));
    for (let row = 0; row < rows.rowCount; row++) appendRow(appender, ducks, rows, row, now);
    appender.closeSync();
    await connection.run("COMMIT");
  }
  const ms = performance.now() - start;
  connection.closeSync();
  instance.closeSync();
  console.log(
    `row-at-a-time appender (staging only, ${rowCount} rows): ${rate(rowCount, ms)} rows/s ` +
      `(${(ms / 1000).toFixed(1)} s)`,
  );
}

/** A variant's name: the groups its staging table lacks. */
const variantName = (groups: readonly ColumnGroup[]) =>
  groups.length === 0 ? "all columns" : `without ${groups.join("+")}`;

/** DuckDB's wall µs per row on the column-dependent phases: staging, COMMITs, checkpoints. */
const duckdbMicros = (f: NarrowFigures) =>
  (f.stagingMs + f.commitMs + f.checkpointMs + f.finalCheckpointMs) * 1000 / f.rows;

function printNarrow(name: string, columns: number, round: number, f: NarrowFigures): void {
  const per = (ms: number) => (ms * 1000 / f.rows).toFixed(2);
  console.log(
    `${name} (${columns} columns), round ${round}: DuckDB ${duckdbMicros(f).toFixed(2)} µs/row = ` +
      `staging ${per(f.stagingMs)} + COMMIT ${per(f.commitMs)} + checkpoints ` +
      `${per(f.checkpointMs + f.finalCheckpointMs)} (${f.checkpoints} at the threshold ` +
      `${per(f.checkpointMs)}, final ${per(f.finalCheckpointMs)}); besides: dimensions ` +
      `${per(f.dimensionsMs)}, watermarks ${per(f.watermarksMs)}, BEGIN+plan ${per(f.beginMs)}, ` +
      `chunks filled (JS) ${per(f.prepareMs)}`,
  );
  console.log(
    `  WAL ${(f.walBytes / Math.max(f.walRows, 1)).toFixed(0)} bytes/row; CPU µs/row: ` +
      `DuckDB's threads ${((f.processCpu - f.threadCpu) / f.rows).toFixed(2)}, JS thread ` +
      `${(f.threadCpu / f.rows).toFixed(2)}; file ${(f.fileBytes / f.rows).toFixed(0)} bytes/row`,
  );
}

/** Each staging table variant, `repeat` times round, then what each group costs. */
async function narrowComparison(options: Options, dir: string): Promise<void> {
  const pool = await batchPool(options.source, options.batch, dir);
  const variants: ColumnGroup[][] = [[], ...options.without];
  const figures = variants.map((): NarrowFigures[] => []);
  const memoryLimit = `${options.memoryLimitMb ?? DUCKDB_MEMORY_LIMIT_MB}MB`;
  console.log(`DuckDB memory_limit ${memoryLimit}, checkpoint_threshold ${DUCKDB_CHECKPOINT_MB}MB`);
  const write = async (name: string, groups: readonly ColumnGroup[], rows: number) => {
    const path = `${dir}/narrow_${name}.duckdb`;
    const all = poolBatches(pool, rows);
    const columns = columnsWithout(groups);
    const run = {
      path,
      threads: options.threads,
      stringCompression: options.stringCompression,
      memoryLimit,
      columns,
    };
    const f = await writeNarrow(run, () => {
      const next = all.next();
      return next.done ? undefined : unpackRows(packRows(next.value));
    });
    for (const file of [path, `${path}.wal`, `${path}.tmp`]) {
      await Deno.remove(file, { recursive: true }).catch((error: unknown) => {
        if (!(error instanceof Deno.errors.NotFound)) throw error;
      });
    }
    return { f, columns: columns.length };
  };
  // Warms the code and the allocator once, over the pool, so the first variant pays no more.
  await write("warm", [], pool.reduce((sum, b) => sum + b.rowCount, 0));
  for (let round = 1; round <= options.repeat; round++) {
    const order = [...variants.keys()];
    if (round % 2 === 0) order.reverse();
    for (const v of order) {
      const groups = variants[v] ?? [];
      const { f, columns } = await write(`${round}_${v}`, groups, options.rows);
      figures[v]?.push(f);
      printNarrow(variantName(groups), columns, round, f);
    }
  }
  summarize(
    "DuckDB's wall µs/row (staging + COMMIT + checkpoints)",
    variants,
    figures,
    duckdbMicros,
  );
  summarize(
    "CPU µs/row of DuckDB's threads (steadier than wall time on a shared machine)",
    variants,
    figures,
    (f) => (f.processCpu - f.threadCpu) / f.rows,
  );
}

/** One figure of every variant by round, and what leaving each group out saved against all. */
function summarize(
  what: string,
  variants: readonly ColumnGroup[][],
  figures: readonly NarrowFigures[][],
  figure: (f: NarrowFigures) => number,
): void {
  console.log(`${what} by round, and what leaving the group out saved against all columns:`);
  const base = figures[0] ?? [];
  const mean = (list: readonly NarrowFigures[]) =>
    list.reduce((sum, f) => sum + figure(f), 0) / Math.max(list.length, 1);
  for (const [v, groups] of variants.entries()) {
    const runs = figures[v] ?? [];
    const saved = runs.map((f, r) => {
      const whole = base[r];
      return whole === undefined ? "" : `${(100 * (1 - figure(f) / figure(whole))).toFixed(1)}%`;
    });
    console.log(
      `  ${variantName(groups)}: ${runs.map((f) => figure(f).toFixed(2)).join(" / ")} ` +
        `(mean ${mean(runs).toFixed(2)})` +
        (v === 0
          ? ""
          : `, saves ${saved.join(" / ")} (of the means ${
            (100 * (1 - mean(runs) / mean(base))).toFixed(1)
          }%)`),
    );
  }
}

/** Runs the benchmark; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  const dir = await Deno.makeTempDir({ prefix: "duckdb_bench_" });
  console.log(
    `DuckDB writer: ${options.rows} rows x ${STAGING_COLUMNS.length + 1} columns, batches of ` +
      `${options.batch}, one transaction each, threads=${options.threads}, string compression ` +
      options.stringCompression,
  );
  try {
    if (options.shards > 0) {
      const memoryLimitMb = options.memoryLimitMb ?? DUCKDB_MEMORY_LIMIT_MB;
      await shardComparison({
        ...options,
        memoryLimitMb,
        shardsMemoryLimitMb: options.shardsMemoryLimitMb ?? memoryLimitMb,
      }, dir);
      return 0;
    }
    if (options.without.length > 0) {
      console.log(`rows from ${options.source}; staging tables lacking column groups:`);
      await narrowComparison(options, dir);
      return 0;
    }
    if (options.only !== "appender") {
      await columnar(options, dir, false);
      await columnar(options, dir, true);
    }
    if (options.only !== "columnar") await rowAppender(options, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
