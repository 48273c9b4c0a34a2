import assert from "node:assert/strict";
import { syntheticBatch } from "../testing.ts";
import type { WarehouseBatch } from "../warehouse.ts";
import { PhaseClock } from "../phase_clock.ts";
import { WRITE_PHASES } from "../../../messages/writer.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { walBytes } from "./wal_size.ts";

const CHECKPOINT = WRITE_PHASES.indexOf("checkpoint");

Deno.test("every write during which DuckDB checkpointed, in its COMMIT or the dimension upserts', shows checkpoint time", async () => {
  const dir = await Deno.makeTempDir({ prefix: "checkpoint_phase_" });
  const path = `${dir}/w.duckdb`;
  const wal = () => walBytes(path) ?? 0;
  const warehouse = new DuckDBWarehouse({ path, checkpointThreshold: "2MB" });
  // Every batch brings many products never seen: the upserts' COMMIT is large, and DuckDB's
  // estimate of it takes the WAL past the threshold before the batch's own COMMIT does.
  const batch = (i: number): WarehouseBatch => ({
    rows: syntheticBatch({ fromOffset: i * 500, count: 500, productBase: 1_000_000 + i * 1000 }),
    deadLetters: [],
  });
  try {
    await warehouse.open();
    // As the writer does: each batch prepared (its upserts started) while the one before commits.
    let prepared = warehouse.prepareBatch(batch(0));
    let walAtEnd = wal();
    const uncounted: number[] = [];
    let shrank = 0;
    for (let i = 1; i <= 40; i++) {
      let next: WarehouseBatch | undefined;
      const clock = new PhaseClock();
      await warehouse.writeBatch(prepared, () => next = warehouse.prepareBatch(batch(i)), clock);
      const now = wal();
      // A checkpoint during this write: the WAL ends below where it began plus this batch.
      if (now < walAtEnd) {
        shrank++;
        if ((clock.toArray()[CHECKPOINT] ?? 0) <= 0) uncounted.push(i);
      }
      walAtEnd = now;
      prepared = next ?? warehouse.prepareBatch(batch(i));
    }
    assert.ok(shrank >= 3, `checkpoints: ${shrank}`);
    assert.deepEqual(uncounted, [], "writes during which the WAL shrank with no checkpoint time");
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
