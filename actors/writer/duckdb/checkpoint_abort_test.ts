import assert from "node:assert/strict";
import { syntheticBatch } from "../testing.ts";
import { WarehouseUnavailableError } from "../warehouse.ts";
import { TEST_RETRY } from "../warehouse_contract.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";

Deno.test("A checkpoint that dies half-way invalidates the file; reopening replays the WAL and every row is there once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkpoint_abort_" });
  const path = `${dir}/aborted.duckdb`;
  const warehouse = new DuckDBWarehouse({ path, retry: TEST_RETRY });
  const batch = (fromOffset: number, count: number) => ({
    rows: syntheticBatch({ fromOffset, count }),
    deadLetters: [],
  });
  try {
    await warehouse.open();
    assert.equal((await warehouse.writeBatch(batch(0, 1000))).staged, 1000);
    // DuckDB's own test switch: the checkpoint stops after writing blocks, before the new header,
    // as a process killed there would.
    await warehouse.query("SET debug_checkpoint_abort = 'before_header'");
    await assert.rejects(() => warehouse.query("CHECKPOINT"));
    await assert.rejects(() => warehouse.writeBatch(batch(1000, 1000)), (error: unknown) => {
      assert.ok(error instanceof WarehouseUnavailableError);
      assert.match(String(error.message), /invalidated/);
      return true;
    });
    // What the writer does on "invalidated" (writer_behaviour.ts): close and open again.
    await warehouse.close();
    await warehouse.open();
    const again = await warehouse.writeBatch(batch(500, 1500));
    assert.deepEqual([again.staged, again.replayed], [1000, 500]);
    const [counts] = await warehouse.query(
      "SELECT count(*) AS n, count(DISTINCT _offset) AS d FROM staging_g1",
    );
    assert.deepEqual([Number(counts?.n), Number(counts?.d)], [2000, 2000]);
    const [mark] = await warehouse.query("SELECT max_offset FROM ingest_watermarks");
    assert.equal(Number(mark?.max_offset), 1999);
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
