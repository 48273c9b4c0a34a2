import assert from "node:assert/strict";
import type { WarehouseTarget, WriterArgs } from "../../messages/writer.ts";
import { DuckDBWarehouse } from "./duckdb/duckdb_warehouse.ts";
import { openWarehouse } from "./open_warehouse.ts";

const args = (warehouse: WarehouseTarget): WriterArgs => ({
  dataDir: "unused",
  warehouse,
  bigqueryEndpoint: null,
  requestTimeoutMs: 1_000,
  faults: { crashAfterEveryNthWrite: 0, failEveryNthWrite: 0, hangOnNthWrite: 0 },
});

/** DuckDB's settings as the writer's warehouse for `target` opens with them. */
async function settingsOf(target: (dir: string) => WarehouseTarget) {
  const dir = await Deno.makeTempDir({ prefix: "open_warehouse_" });
  const warehouse = await openWarehouse(args(target(dir)));
  assert.ok(warehouse instanceof DuckDBWarehouse);
  try {
    await warehouse.open();
    const [row] = await warehouse.query(
      `SELECT current_setting('memory_limit') AS memory,
              current_setting('disabled_compression_methods') AS disabled,
              current_setting('checkpoint_threshold') AS checkpoint`,
    );
    return {
      memory: String(row?.memory),
      disabled: String(row?.disabled),
      checkpoint: String(row?.checkpoint),
    };
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("the writer's DuckDB opens with the configured memory cap, checkpoint threshold and string compression", async () => {
  const set = await settingsOf((dir) => ({
    kind: "duckdb",
    path: `${dir}/w.duckdb`,
    memoryLimitMb: 384,
    checkpointMb: 256,
    stringCompression: "off",
  }));
  // DuckDB shows sizes in MiB: 384 MB = 366.2 MiB, 256 MB = 244.1 MiB.
  assert.equal(set.memory, "366.2 MiB");
  assert.equal(set.checkpoint, "244.1 MiB");
  const disabled = set.disabled.toLowerCase().split(",").map((m) => m.trim()).sort();
  assert.deepEqual(disabled, ["dict_fsst", "dictionary", "fsst"]);
});

Deno.test("a DuckDB target with none of them gets the 128 MB cap, 64 MB checkpoints and DuckDB's own compression", async () => {
  const set = await settingsOf((dir) => ({ kind: "duckdb", path: `${dir}/w.duckdb` }));
  assert.equal(set.memory, "122.0 MiB");
  assert.equal(set.checkpoint, "61.0 MiB");
  assert.equal(set.disabled, "");
});
