import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";

const ADDED_LATER = ["ua_engine", "ua_cpu_architecture", "ua_is_bot_strict"];

/** Turns the file's staging tables into what a version before the `ua_` columns wrote. */
async function asOlderVersionWroteIt(path: string, generations: number[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const g of generations) {
      for (const name of ADDED_LATER) {
        await connection.run(`ALTER TABLE staging_g${g} DROP COLUMN ${name}`);
      }
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

Deno.test("DuckDB: a file from before the ua_ columns opens; its open generation gains them, rows kept", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_upgrade_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const before = new DuckDBWarehouse({ path });
    await before.open();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 30 }),
      deadLetters: [],
    });
    await before.sealGeneration();
    await before.writeBatch({
      rows: syntheticBatch({ fromOffset: 30, count: 20 }),
      deadLetters: [],
    });
    await before.close();
    await asOlderVersionWroteIt(path, [1, 2]);

    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      const written = await after.writeBatch({
        rows: syntheticBatch({ fromOffset: 50, count: 10 }),
        deadLetters: [],
      });
      assert.deepEqual([written.generation, written.staged], [2, 10]);
      const columns = await after.query(
        `SELECT column_name FROM duckdb_columns() WHERE table_name = 'staging_g2'
         ORDER BY column_index`,
      );
      assert.deepEqual(columns.map((c) => c.column_name), STAGING_TABLE_COLUMNS.map((c) => c.name));
      const rows = await after.query(
        `SELECT count(*) AS n, count(ua_engine) AS engines FROM staging_g2`,
      );
      assert.deepEqual(rows.map((r) => [Number(r.n), Number(r.engines)]), [[30, 10]]);
      // The sealed generation keeps the columns it was written with, and still exports.
      const sealed = await after.query(
        `SELECT count(*) AS n FROM duckdb_columns() WHERE table_name = 'staging_g1'
         AND column_name IN ('ua_engine', 'ua_cpu_architecture', 'ua_is_bot_strict')`,
      );
      assert.equal(Number(sealed[0]?.n), 0);
      await after.exportParquet(1, { kind: "folder", dir: `${dir}/lake-g1` });
      const exported = await after.query(
        `SELECT count(*) AS n FROM read_parquet('${dir}/lake-g1/**/*.parquet')`,
      );
      assert.equal(Number(exported[0]?.n), 30);
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB: a staging table with columns this version does not know is refused, naming them", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_upgrade_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const first = new DuckDBWarehouse({ path });
    await first.open();
    await first.writeBatch({ rows: syntheticBatch({ fromOffset: 0, count: 5 }), deadLetters: [] });
    await first.close();
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    await connection.run("ALTER TABLE staging_g1 ADD COLUMN from_the_future VARCHAR");
    connection.closeSync();
    instance.closeSync();

    const second = new DuckDBWarehouse({ path });
    await assert.rejects(
      second.open(),
      /staging_g1 has columns this version does not declare \(from_the_future\)/,
    );
    await second.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
