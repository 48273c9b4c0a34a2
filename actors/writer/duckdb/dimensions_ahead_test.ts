import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { syntheticBatch } from "../testing.ts";
import { DimensionsAhead } from "./dimensions_ahead.ts";
import { walBytes } from "./wal_size.ts";
import { createSchema } from "./schema.ts";

async function withWarehouseFile(
  use: (instance: DuckDBInstance, count: (table: string) => Promise<number>) => Promise<void>,
): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "dimensions_ahead_" });
  const instance = await DuckDBInstance.create(`${dir}/warehouse.duckdb`);
  const reader = await instance.connect();
  try {
    await createSchema(reader);
    await use(instance, async (table) => {
      const rows = (await reader.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS();
      return Number(rows[0]?.[0]);
    });
  } finally {
    reader.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("a batch's dimension rows are committed by the time its upserts resolve, once per batch", async () => {
  await withWarehouseFile(async (instance, count) => {
    const ahead = new DimensionsAhead();
    await ahead.open(instance);
    const batch = {
      rows: syntheticBatch({ fromOffset: 0, count: 300, userAgents: 7 }),
      deadLetters: [],
    };
    const first = ahead.of(batch, batch.rows, Date.now());
    assert.equal(
      ahead.of(batch, batch.rows, Date.now()),
      first,
      "the same batch is not upserted twice",
    );
    const stored = await first;
    assert.equal(stored.agents.inserted, 7);
    assert.equal(await count("user_agents"), 7, "visible on another connection: committed");
    assert.equal(await count("product_catalog"), stored.products.inserted);
    // Another batch offering the same keys stores none of them again.
    const again = {
      rows: syntheticBatch({ fromOffset: 300, count: 300, userAgents: 7 }),
      deadLetters: [],
    };
    const second = await ahead.of(again, again.rows, Date.now());
    assert.equal(second.agents.inserted, 0);
    assert.equal(await count("user_agents"), 7);
    await ahead.close();
  });
});

Deno.test("upserts that failed start again when the batch's write asks for them", async () => {
  await withWarehouseFile(async (instance, count) => {
    const ahead = new DimensionsAhead();
    const batch = {
      rows: syntheticBatch({ fromOffset: 0, count: 100, userAgents: 3 }),
      deadLetters: [],
    };
    // Not open yet: the upserts fail, with a reason.
    await assert.rejects(() => ahead.of(batch, batch.rows, Date.now()), /not open/);
    await ahead.open(instance);
    const stored = await ahead.of(batch, batch.rows, Date.now());
    assert.equal(stored.agents.inserted, 3);
    assert.equal(await count("user_agents"), 3);
    await ahead.close();
  });
});

Deno.test("the upserts report their COMMIT's ms when DuckDB checkpointed inside it, and 0 when it did not", async () => {
  const dir = await Deno.makeTempDir({ prefix: "dimensions_ahead_" });
  const path = `${dir}/warehouse.duckdb`;
  const wal = () => walBytes(path) ?? 0;
  const instance = await DuckDBInstance.create(path, { checkpoint_threshold: "1GB" });
  const setup = await instance.connect();
  const ahead = new DimensionsAhead();
  // Products never stored before: each COMMIT writes them to the WAL.
  const upsert = (fromOffset: number) => {
    const batch = {
      rows: syntheticBatch({ fromOffset, count: 200, productBase: 1_000_000 + fromOffset }),
      deadLetters: [],
    };
    return ahead.of(batch, batch.rows, Date.now());
  };
  try {
    await createSchema(setup);
    await setup.run("CHECKPOINT");
    await ahead.open(instance, wal);
    const roomy = await upsert(0);
    assert.ok(roomy.products.inserted > 0 && wal() > 0, "in the WAL");
    assert.equal(roomy.checkpointMs, 0, "far below the threshold: no checkpoint");
    // A threshold below the WAL: DuckDB checkpoints inside the next COMMIT.
    await setup.run("SET checkpoint_threshold = '1KB'");
    const tight = await upsert(10_000);
    assert.ok(tight.products.inserted > 0);
    assert.ok(tight.checkpointMs > 0, "the COMMIT that checkpointed is timed");
  } finally {
    await ahead.close();
    setup.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});
