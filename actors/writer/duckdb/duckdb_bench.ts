/**
 * `deno task bench -- duckdb [--rows=N] [--batch=N] [--threads=N] [--only=columnar|appender]`:
 * rows/s writing realistic staging rows, packed as the enricher packs them, into a DuckDB file
 * through `unpackRows` and `DuckDBWarehouse.writeBatch` (vectors filled from the packed bytes,
 * dedupe, dimensions, one transaction per batch), next to DuckDB's
 * row-at-a-time appender in the same transactions. Prints figures; never fails on speed.
 */

import { DuckDBInstance, LIST, VARCHAR } from "@duckdb/node-api";
import type { DuckDBAppender } from "@duckdb/node-api";
import { type RowBatch, STAGING_COLUMNS } from "../../../messages/staging_columns.ts";
import { packRows, unpackRows } from "../../../messages/packed_rows.ts";
import { columnIndex } from "../batch_columns.ts";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { stagingDdl } from "./schema.ts";

interface Options {
  rows: number;
  batch: number;
  threads: number;
  only: string | undefined;
}

function parse(args: string[]): Options {
  const flag = (name: string) => args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
  const int = (name: string, fallback: number) => {
    const n = Number(flag(name) ?? fallback);
    if (!Number.isSafeInteger(n) || n < 1) throw new RangeError(`--${name} must be a count`);
    return n;
  };
  return {
    rows: int("rows", 1_000_000),
    batch: int("batch", 10_000),
    threads: int("threads", 1),
    only: flag("only"),
  };
}

/** Batches of realistic rows: a pool of 10 distinct batches, offsets made unique per batch. */
function* batches(options: Options): Generator<RowBatch> {
  const pool = Array.from(
    { length: 10 },
    (_, i) =>
      syntheticBatch({ fromOffset: i * options.batch, count: options.batch, userAgents: 2000 }),
  );
  const offset = columnIndex("_offset");
  for (let from = 0; from < options.rows; from += options.batch) {
    const base = pool[(from / options.batch) % pool.length] as RowBatch;
    const count = Math.min(options.batch, options.rows - from);
    const columns = base.columns.map((c) => c.slice(0, count));
    columns[offset] = Array.from({ length: count }, (_, i) => from + i);
    yield { rowCount: count, columns };
  }
}

const rate = (rows: number, ms: number) => Math.round(rows / (ms / 1000)).toLocaleString("en");

async function columnar(options: Options, dir: string): Promise<void> {
  const warehouse = new DuckDBWarehouse({
    path: `${dir}/columnar.duckdb`,
    threads: options.threads,
  });
  await warehouse.open();
  let ms = 0;
  for (const rows of batches(options)) {
    // Packed as the enricher packs them; unpacking is the writer's work, so it is timed.
    const packed = packRows(rows);
    const start = performance.now();
    await warehouse.writeBatch({ rows: unpackRows(packed), deadLetters: [] });
    ms += performance.now() - start;
  }
  const start = performance.now();
  await warehouse.query("CHECKPOINT");
  const checkpointMs = performance.now() - start;
  await warehouse.close();
  console.log(
    `columnar  Warehouse.writeBatch: ${rate(options.rows, ms)} rows/s ` +
      `(${(ms / 1000).toFixed(1)} s), ${rate(options.rows, ms + checkpointMs)} rows/s ` +
      `with the final checkpoint (${(checkpointMs / 1000).toFixed(1)} s)`,
  );
}

const LIST_TYPE = LIST(VARCHAR);
const TYPES = STAGING_COLUMNS.map((spec) => spec.type);

function appendRow(appender: DuckDBAppender, rows: RowBatch, row: number, now: bigint) {
  for (let c = 0; c < TYPES.length; c++) {
    const value = rows.columns[c]?.[row] ?? null;
    const type = TYPES[c];
    if (value === null) appender.appendNull();
    else if (type === "VARCHAR") appender.appendVarchar(value as string);
    else if (type === "BIGINT") appender.appendBigInt(BigInt(value as number));
    else if (type === "INTEGER") appender.appendInteger(value as number);
    else if (type === "DOUBLE") appender.appendDouble(value as number);
    else if (type === "BOOLEAN") appender.appendBoolean(value as boolean);
    else appender.appendList(value as string[], LIST_TYPE);
  }
  appender.appendBigInt(now);
  appender.endRow();
}

async function rowAppender(options: Options, dir: string): Promise<void> {
  const instance = await DuckDBInstance.create(`${dir}/rows.duckdb`, {
    threads: String(options.threads),
    checkpoint_threshold: "256MB",
  });
  const connection = await instance.connect();
  await connection.run(
    stagingDdl(1).replace('"_ingested_at" TIMESTAMPTZ', '"_ingested_at" BIGINT'),
  );
  let ms = 0;
  for (const rows of batches(options)) {
    const start = performance.now();
    await connection.run("BEGIN TRANSACTION");
    const appender = await connection.createAppender("staging_g1");
    const now = BigInt(Date.now());
    for (let row = 0; row < rows.rowCount; row++) appendRow(appender, rows, row, now);
    appender.closeSync();
    await connection.run("COMMIT");
    ms += performance.now() - start;
  }
  connection.closeSync();
  instance.closeSync();
  console.log(
    `row-at-a-time appender:        ${rate(options.rows, ms)} rows/s (${(ms / 1000).toFixed(1)} s)`,
  );
}

/** Runs the benchmark; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  const dir = await Deno.makeTempDir({ prefix: "duckdb_bench_" });
  console.log(
    `DuckDB writer: ${options.rows} rows x ${STAGING_COLUMNS.length + 1} columns, batches of ` +
      `${options.batch}, one transaction each, threads=${options.threads}`,
  );
  try {
    if (options.only !== "appender") await columnar(options, dir);
    if (options.only !== "columnar") await rowAppender(options, dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
