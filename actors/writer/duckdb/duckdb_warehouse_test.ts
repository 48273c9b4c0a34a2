import assert from "node:assert/strict";
import { syntheticBatch, USER_AGENT_ROW_COLUMNS } from "../testing.ts";
import { type ContractSubject, TEST_RETRY, warehouseContract } from "../warehouse_contract.ts";
import type { FaultSwitch } from "../fault_hook.ts";
import type { WarehouseBatch, WriteResult } from "../warehouse.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { PreparedBatch } from "./prepared_batch.ts";
import { PhaseClock } from "../phase_clock.ts";
import { WRITE_PHASES } from "../../../messages/writer.ts";

const num = (v: unknown) => Number(v);

/** The writer's path: every batch is prepared (chunks built) before it is written. */
class PreparingWarehouse extends DuckDBWarehouse {
  override writeBatch(batch: WarehouseBatch): Promise<WriteResult> {
    return super.writeBatch(batch instanceof PreparedBatch ? batch : this.prepareBatch(batch));
  }
}

async function subject(
  faults: FaultSwitch,
  dir?: string,
  Warehouse = DuckDBWarehouse,
): Promise<ContractSubject> {
  const folder = dir ?? await Deno.makeTempDir({ prefix: "warehouse_" });
  const warehouse = new Warehouse({
    path: `${folder}/warehouse.duckdb`,
    retry: TEST_RETRY,
    faults: faults.hook,
  });
  await warehouse.open();
  const q = (sql: string) => warehouse.query(sql);
  return {
    warehouse,
    faults,
    probe: {
      stagedOffsets: async (generation, partition = 0) =>
        (await q(
          `SELECT _offset FROM staging_g${generation} WHERE _partition = ${partition} ORDER BY 1`,
        )).map((r) => num(r._offset)),
      stagedEpochOffsets: async (generation, partition) =>
        (await q(
          `SELECT _offset_epoch || ':' || _offset AS k FROM staging_g${generation}
           WHERE _partition = ${partition} ORDER BY _offset_epoch, _offset`,
        )).map((r) => String(r.k)),
      stagedRow: async (generation, offset) => {
        const [row] = await q(
          `SELECT field_problems, _kafka_timestamp_ms, extra FROM staging_g${generation}
           WHERE _offset = ${offset}`,
        );
        const problems = row?.field_problems;
        return {
          problems: Array.isArray(problems) ? problems.map(String) : [],
          kafkaTimestampMs: row?._kafka_timestamp_ms === null
            ? null
            : num(row?._kafka_timestamp_ms),
          extra: row?.extra === null || row?.extra === undefined ? null : String(row.extra),
        };
      },
      ingestedAt: async (generation) =>
        (await q(`SELECT epoch_ms(_ingested_at) AS t FROM staging_g${generation}`)).map((r) =>
          num(r.t)
        ),
      deadLetters: async () =>
        (await q(`SELECT "offset", code, reason, raw FROM dead_letters ORDER BY 1`)).map((r) => ({
          offset: num(r.offset),
          code: String(r.code),
          reason: String(r.reason),
          raw: r.raw as Uint8Array,
        })),
      summaryUserAgents: () =>
        q(`SELECT _offset, ${USER_AGENT_ROW_COLUMNS.join(", ")} FROM summary`),
      userAgents: async () =>
        (await q("SELECT user_agent_id, user_agent, browser_family FROM user_agents")).map((r) => ({
          userAgentId: String(r.user_agent_id),
          userAgent: String(r.user_agent),
          browserFamily: r.browser_family === null ? null : String(r.browser_family),
        })),
      products: async () =>
        (await q(
          "SELECT product_id, url, epoch_ms(first_seen) AS first_seen FROM product_catalog ORDER BY 1",
        )).map((r) => ({
          productId: String(r.product_id),
          url: r.url === null ? null : String(r.url),
          firstSeenMs: r.first_seen === null ? null : num(r.first_seen),
        })),
    },
    cleanup: async () => {
      await warehouse.close();
      if (dir === undefined) await Deno.remove(folder, { recursive: true });
    },
  };
}

warehouseContract("DuckDB", (faults) => subject(faults));
warehouseContract(
  "DuckDB, batches prepared",
  (faults) => subject(faults, undefined, PreparingWarehouse),
);

Deno.test("DuckDB: reopening the file keeps generations, watermarks and replay protection", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_" });
  const { FaultSwitch } = await import("../fault_hook.ts");
  try {
    const first = await subject(new FaultSwitch(), dir);
    await first.warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 100 }),
      deadLetters: [],
    });
    await first.warehouse.sealGeneration();
    await first.cleanup();
    const second = await subject(new FaultSwitch(), dir);
    try {
      assert.equal(await second.warehouse.currentGeneration(), 2);
      const replay = await second.warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset: 50, count: 100 }),
        deadLetters: [],
      });
      assert.equal(replay.staged, 50);
      assert.deepEqual(
        await second.probe.stagedOffsets(2),
        Array.from({ length: 50 }, (_, i) => 100 + i),
      );
    } finally {
      await second.cleanup();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB: a write laps its steps into phases, and a commit that checkpointed counts as a checkpoint", async () => {
  const dir = await Deno.makeTempDir({ prefix: "warehouse_" });
  const warehouse = new DuckDBWarehouse({
    path: `${dir}/warehouse.duckdb`,
    checkpointThreshold: "1MB",
  });
  const phase = (ms: number[], name: string) => ms[WRITE_PHASES.findIndex((p) => p === name)] ?? 0;
  try {
    await warehouse.open();
    // Small writes to a new file may checkpoint, in the batch's COMMIT or its dimension upserts'
    // (DuckDB's choice while the file is small; either counts as a checkpoint); the WAL then grows
    // with each 100-row commit, far below 1 MB.
    let fromOffset = 0;
    let small: number[] = [];
    let preparedDuringCommit = 0;
    const checkpointed = (ms: number[]) => phase(ms, "commit") === 0 || phase(ms, "checkpoint") > 0;
    for (let attempt = 0; attempt < 5 && (attempt === 0 || checkpointed(small)); attempt++) {
      const clock = new PhaseClock();
      const rows = syntheticBatch({ fromOffset, count: 100 });
      await warehouse.writeBatch(
        warehouse.prepareBatch({ rows, deadLetters: [] }),
        () => preparedDuringCommit++,
        clock,
      );
      fromOffset += 100;
      small = clock.toArray();
    }
    for (const name of ["begin", "staging", "dimensions", "watermarks", "commit"]) {
      assert.ok(phase(small, name) > 0, `${name} took no time`);
    }
    assert.equal(phase(small, "checkpoint"), 0);
    assert.equal(preparedDuringCommit, fromOffset / 100);
    // 3,000 rows (~2 MB) take the WAL past 1 MB: that commit checkpoints.
    const large = new PhaseClock();
    await warehouse.writeBatch(
      { rows: syntheticBatch({ fromOffset, count: 3000 }), deadLetters: [] },
      undefined,
      large,
    );
    assert.ok(phase(large.toArray(), "checkpoint") > 0, "the commit past 1 MB of WAL checkpointed");
    assert.equal(phase(large.toArray(), "commit"), 0);
    const [count] = await warehouse.query("SELECT count(*) AS n FROM staging_g1");
    assert.equal(count?.n, BigInt(fromOffset + 3000));
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
