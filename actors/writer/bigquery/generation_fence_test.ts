import assert from "node:assert/strict";
import { testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import { syntheticBatch } from "../testing.ts";
import { int } from "./client.ts";
import { emulatorWarehouse, warehouseOn } from "./testing.ts";
import { committedStaging } from "./visible_rows.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const emulator = await testBigQuery();

Deno.test("a commit that lands in a generation another process sealed is written again, never dropped", async () => {
  const a = await emulatorWarehouse();
  let sealed = false;
  // B, a second process on A's dataset: its batch is streamed into generation 1; A seals
  // generation 1 before B's commit lands.
  const b = warehouseOn(emulator, a.dataset, async (stage) => {
    if (stage !== "committing" || sealed) return;
    sealed = true;
    assert.deepEqual(await a.sealGeneration(), { generation: 1, rowCount: 100 });
  });
  await b.open();
  try {
    await a.writeBatch({ rows: syntheticBatch({ fromOffset: 0, count: 100 }), deadLetters: [] });
    const late = await b.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 50, partition: 1 }),
      deadLetters: [],
    });
    assert.deepEqual([late.generation, late.staged, late.attempts], [2, 50, 2]);
    // Generation 1 holds exactly what its seal covered: A's 100 rows, not B's late commit.
    assert.deepEqual(await a.sealedGenerations(), [{ generation: 1, rowCount: 100 }]);
    const count = async (generation: number) =>
      int(
        (await a.query(
          `SELECT COUNT(*) AS n FROM (${
            committedStaging(a.dataset, `staging_g${generation}`, generation)
          })`,
        ))[0] ?? {},
        "n",
      );
    assert.equal(await count(1), 100);
    assert.equal(await count(2), 50);
    // Dropping generation 1 after its export removes nothing B was told is stored.
    await a.recordExport({
      generation: 1,
      location: "test",
      rowCount: 100,
      exportedAtMs: 0,
      files: [],
      bytes: 0,
      checksum: "",
    });
    await a.dropGeneration(1);
    assert.equal(await count(2), 50);
    assert.deepEqual(
      (await b.watermarks()).map((w) => [w.partition, w.maxOffset]),
      [[0, 99], [1, 49]],
    );
  } finally {
    await b.close();
    await a.close();
  }
});
