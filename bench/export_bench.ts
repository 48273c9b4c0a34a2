/**
 * `deno task bench -- export [--rows N]`: rows/s of the pipeline's export (seal, ZSTD Parquet by
 * event date, read-back verification, publish, manifest, drop) of N staged rows (default
 * 1,000,000), next to DuckDB's own COPY of the same table to Parquet in the same run and with the
 * same single thread. Prints figures; never fails on speed.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { parseArgs } from "node:util";
import { runExport } from "../actors/exporter/export_run.ts";
import { FolderLake } from "../actors/exporter/folder_lake.ts";
import { DuckDBWarehouse } from "../actors/writer/duckdb/duckdb_warehouse.ts";
import { syntheticBatch } from "../actors/writer/testing.ts";

const BATCH = 20_000;

async function stage(path: string, rows: number): Promise<void> {
  const warehouse = new DuckDBWarehouse({ path });
  await warehouse.open();
  for (let from = 0; from < rows; from += BATCH) {
    const count = Math.min(BATCH, rows - from);
    await warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: from, count }),
      deadLetters: [],
    });
  }
  await warehouse.close();
}

/** Seconds for DuckDB's plain COPY, and for the same COPY with the lake's date partitioning. */
async function plainCopy(path: string, out: string): Promise<[number, number]> {
  const instance = await DuckDBInstance.create(path, { threads: "1" });
  const db = await instance.connect();
  const timed = async (sql: string) => {
    const started = performance.now();
    await db.run(sql);
    return (performance.now() - started) / 1000;
  };
  const plain = await timed(
    `COPY staging_g1 TO '${out}.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)`,
  );
  const dated = await timed(
    `COPY (SELECT *, strftime(epoch_ms(coalesce(event_time_ms, _kafka_timestamp_ms)), '%Y-%m-%d') AS dt
           FROM staging_g1)
     TO '${out}-dated' (FORMAT PARQUET, COMPRESSION ZSTD, PARTITION_BY (dt))`,
  );
  db.closeSync();
  instance.closeSync();
  return [plain, dated];
}

/** Stages the rows, then times DuckDB's COPY and the pipeline's export. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { rows: { type: "string", default: "1000000" } } });
  const rows = Number(values.rows);
  const dir = await Deno.makeTempDir({ prefix: "export-bench-" });
  try {
    const path = `${dir}/warehouse.duckdb`;
    const staging = performance.now();
    await stage(path, rows);
    console.log(`staged ${rows} rows in ${((performance.now() - staging) / 1000).toFixed(1)} s`);
    const [copySeconds, datedSeconds] = await plainCopy(path, `${dir}/copy`);
    const warehouse = new DuckDBWarehouse({ path });
    await warehouse.open();
    const summary = await runExport({ warehouse, lake: new FolderLake(`${dir}/lake`) });
    await warehouse.close();
    const copyRate = rows / copySeconds;
    const exportRate = summary.rows / summary.seconds;
    console.log(
      `duckdb COPY to one ZSTD Parquet file: ${copyRate.toFixed(0)} rows/s (${
        copySeconds.toFixed(2)
      } s)`,
    );
    console.log(
      `pipeline export (seal, Parquet by date, verify, publish, record, drop): ${
        exportRate.toFixed(0)
      } rows/s ` +
        `(${summary.seconds.toFixed(2)} s, ${summary.files} files, ${
          (summary.bytes / 2 ** 20).toFixed(1)
        } MiB)`,
    );
    const datedRate = rows / datedSeconds;
    console.log(
      `duckdb COPY partitioned by event date, as the lake is: ${datedRate.toFixed(0)} rows/s (${
        datedSeconds.toFixed(2)
      } s)`,
    );
    console.log(
      `export / plain COPY: ${(100 * exportRate / copyRate).toFixed(0)}%; ` +
        `export / partitioned COPY: ${(100 * exportRate / datedRate).toFixed(0)}%`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}
