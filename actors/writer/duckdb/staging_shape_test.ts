import assert from "node:assert/strict";
import { syntheticBatch, withoutUserAgent } from "../testing.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { DIMENSION_UA_COLUMNS, NARROW_STAGING_COLUMNS } from "./staging_shape.ts";
import { asWideVersionWroteIt } from "./testing.ts";

Deno.test("DuckDB: a file with a wide sealed generation, a wide open one (sealed at open) and narrow ones gives the same columns through summary and the export for all, wide rows as stored", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_shapes_" });
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
      rows: withoutUserAgent(syntheticBatch({ fromOffset: 30, count: 20 }), [0]),
      deadLetters: [],
    });
    await before.close();
    // As a version before the narrow row left it; a wide row keeps the parse it was stored with,
    // which may differ from the dimension's first one.
    await asWideVersionWroteIt(path, [1, 2], [
      "UPDATE staging_g1 SET browser_family = 'stored wide'",
      "UPDATE staging_g2 SET browser_family = 'stored wide' WHERE user_agent_id IS NOT NULL",
    ]);

    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      assert.equal(await after.currentGeneration(), 3);
      await after.writeBatch({
        rows: withoutUserAgent(syntheticBatch({ fromOffset: 50, count: 25 }), [2, 3]),
        deadLetters: [],
      });
      await after.sealGeneration();
      await after.writeBatch({
        rows: syntheticBatch({ fromOffset: 75, count: 5 }),
        deadLetters: [],
      });
      assert.deepEqual(await after.sealedGenerations(), [
        { generation: 1, rowCount: 30 },
        { generation: 2, rowCount: 20 },
        { generation: 3, rowCount: 25 },
      ]);
      const columnsOf = async (sql: string) =>
        (await after.query(`DESCRIBE ${sql}`)).map((c) => `${c.column_name} ${c.column_type}`);
      const staging = STAGING_TABLE_COLUMNS.map((c) => c.name);
      for (const g of [3, 4]) {
        assert.deepEqual(
          (await columnsOf(`staging_g${g}`)).map((c) => c.split(" ")[0]),
          NARROW_STAGING_COLUMNS.map((c) => c.name),
        );
      }
      const summary = await columnsOf("summary");
      assert.deepEqual(summary.map((c) => c.split(" ")[0]), staging);
      assert.deepEqual(summary, await columnsOf("staging_g1"), "types as a wide table's");

      const [counts] = await after.query(
        `SELECT count(*) AS n,
           count(*) FILTER (browser_family = 'stored wide') AS wide,
           count(*) FILTER (user_agent_id IS NULL) AS without,
           count(*) FILTER (user_agent_id IS NULL AND coalesce(${
          DIMENSION_UA_COLUMNS.map((c) => `${c}::VARCHAR`).join(", ")
        }) IS NOT NULL) AS stray,
           count(*) FILTER (user_agent_id IS NOT NULL AND user_agent IS NULL) AS lost
         FROM summary`,
      );
      assert.deepEqual(
        [counts?.n, counts?.wide, counts?.without, counts?.stray, counts?.lost].map(Number),
        [80, 49, 3, 0, 0],
      );

      const exported = [];
      const parquetColumns: string[][] = [];
      for (const g of [1, 2, 3]) {
        const lake = `${dir}/lake-g${g}`;
        await after.exportParquet(g, { kind: "folder", dir: lake });
        const parquet = `read_parquet('${lake}/**/*.parquet', hive_partitioning = false)`;
        const columns = await columnsOf(`SELECT * FROM ${parquet}`);
        assert.deepEqual(columns.map((c) => c.split(" ")[0]), staging, `g${g}'s Parquet`);
        parquetColumns.push(columns);
        exported.push(
          ...(await after.query(
            `SELECT _offset, browser_family, user_agent FROM ${parquet}`,
          )),
        );
      }
      assert.deepEqual(parquetColumns[0], parquetColumns[1], "wide, wide sealed at open");
      assert.deepEqual(parquetColumns[0], parquetColumns[2], "wide, narrow");
      const fromSummary = await after.query(
        "SELECT _offset, browser_family, user_agent FROM summary WHERE _offset < 75",
      );
      const byOffset = (rows: Record<string, unknown>[]) =>
        rows.map((r) => [Number(r._offset), r.browser_family, r.user_agent])
          .sort((a, b) => Number(a[0]) - Number(b[0]));
      assert.deepEqual(byOffset(exported), byOffset(fromSummary));
    } finally {
      await after.close();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
