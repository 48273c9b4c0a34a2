import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { packRows, unpackRows } from "../../../messages/packed_rows.ts";
import { syntheticBatch } from "../testing.ts";
import { columnsWithout } from "./column_groups.ts";
import { writeNarrow } from "./narrow_staging.ts";

Deno.test("a narrowed bench run stores every row in a staging table of the kept columns only, with the dimensions and watermark", async () => {
  const dir = await Deno.makeTempDir({ prefix: "narrow_staging_test_" });
  try {
    const path = `${dir}/narrow.duckdb`;
    const columns = columnsWithout(["ua", "kafka"]);
    const batches = [0, 300].map((from) =>
      unpackRows(packRows(syntheticBatch({ fromOffset: from, count: 300, userAgents: 7 })))
    );
    const figures = await writeNarrow(
      { path, threads: 1, stringCompression: "auto", memoryLimit: "128MB", columns },
      () => batches.shift(),
    );
    assert.equal(figures.rows, 600);
    assert.equal(figures.batches, 2);
    const instance = await DuckDBInstance.create(path);
    const connection = await instance.connect();
    try {
      const read = async (sql: string) => (await connection.runAndReadAll(sql)).getRowsJS();
      const names = (await read(
        "SELECT column_name FROM duckdb_columns() WHERE table_name = 'staging_g1' ORDER BY column_index",
      )).map(([name]) => String(name));
      assert.deepEqual(names, columns.map((c) => c.name));
      assert.deepEqual(await read("SELECT count(*), min(_offset), max(_offset) FROM staging_g1"), [
        [600n, 0n, 599n],
      ]);
      assert.deepEqual(await read("SELECT count(*) FROM user_agents"), [[7n]]);
      assert.deepEqual(await read("SELECT max_offset FROM ingest_watermarks"), [[599n]]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
