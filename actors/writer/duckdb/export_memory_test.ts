import assert from "node:assert/strict";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";

const ROWS = 150_000;
/** Smaller than what a COPY of `ROWS` rows needs. */
const CAP = "16MB";

/**
 * One sealed generation of `ROWS` rows, written under a roomy cap, then the warehouse opened again
 * under a small ingestion cap (as the pipeline's), with `exportMemoryLimit` for its exports.
 */
async function sealedUnderCap(dir: string, exportMemoryLimit?: string) {
  const path = `${dir}/warehouse.duckdb`;
  const writer = new DuckDBWarehouse({ path });
  await writer.open();
  for (let from = 0; from < ROWS; from += 10_000) {
    await writer.writeBatch({
      rows: syntheticBatch({ fromOffset: from, count: 10_000 }),
      deadLetters: [],
    });
  }
  const { generation } = await writer.sealGeneration();
  await writer.close();
  const warehouse = new DuckDBWarehouse({
    path,
    memoryLimit: CAP,
    ...(exportMemoryLimit === undefined ? {} : { exportMemoryLimit }),
  });
  await warehouse.open();
  return { warehouse, generation };
}

const memoryLimit = async (warehouse: DuckDBWarehouse) =>
  String((await warehouse.query("SELECT current_setting('memory_limit') AS m"))[0]?.m);

Deno.test("an export gets more DuckDB memory than ingestion's cap for its COPY, and the cap is put back after", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export_memory_" });
  const { warehouse, generation } = await sealedUnderCap(dir);
  try {
    const capped = await memoryLimit(warehouse);
    await warehouse.exportParquet(generation, { kind: "folder", dir: `${dir}/lake` });
    const [row] = await warehouse.query(
      `SELECT count(*) AS n FROM read_parquet('${dir}/lake/**/*.parquet')`,
    );
    assert.equal(Number(row?.n), ROWS);
    assert.equal(await memoryLimit(warehouse), capped);
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the same export under ingestion's cap alone runs out of memory (what the raised limit is for)", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export_memory_" });
  const { warehouse, generation } = await sealedUnderCap(dir, CAP);
  try {
    await assert.rejects(
      warehouse.exportParquet(generation, { kind: "folder", dir: `${dir}/lake` }),
      /Out of Memory/,
    );
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
