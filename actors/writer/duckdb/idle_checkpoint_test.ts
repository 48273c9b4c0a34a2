import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { syntheticBatch } from "../testing.ts";
import { WarehouseUnavailableError } from "../warehouse.ts";
import { TEST_RETRY } from "../warehouse_contract.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { IdleCheckpoint, type IdleCheckpointOutcome } from "./idle_checkpoint.ts";

/** Outcomes as they come, each awaited in turn. */
class Outcomes {
  readonly #seen: IdleCheckpointOutcome[] = [];
  #waiting: ((outcome: IdleCheckpointOutcome) => void) | undefined;
  readonly observe = (outcome: IdleCheckpointOutcome): void => {
    if (this.#waiting === undefined) this.#seen.push(outcome);
    else this.#waiting(outcome);
    this.#waiting = undefined;
  };
  next(): Promise<IdleCheckpointOutcome> {
    const seen = this.#seen.shift();
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiting = resolve);
  }
}

const walBytes = (path: string) => {
  try {
    return Deno.statSync(`${path}.wal`).size;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw error;
  }
};

Deno.test("Idle checkpoints between writes and replays keep every row exactly once and the WAL bounded", async () => {
  const dir = await Deno.makeTempDir({ prefix: "idle_checkpoint_" });
  const path = `${dir}/warehouse.duckdb`;
  const outcomes = new Outcomes();
  const warehouse = new DuckDBWarehouse({
    path,
    idleCheckpoint: { idleMs: 0, walBytes: 1 },
    onIdleCheckpoint: outcomes.observe,
  });
  try {
    await warehouse.open();
    const rounds = 4;
    const perRound = 2000;
    for (let round = 0; round < rounds; round++) {
      // Each round writes new offsets and replays half of the round before.
      const from = Math.max(0, round * perRound - perRound / 2);
      const written = await warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset: from, count: (round + 1) * perRound - from }),
        deadLetters: [],
      });
      assert.equal(written.staged, perRound);
      const grown = walBytes(path);
      assert.ok(grown > 0, "the write is in the WAL");
      const outcome = await outcomes.next();
      assert.ok(outcome.ok, `checkpoint failed: ${outcome.ok ? "" : String(outcome.error)}`);
      assert.equal(outcome.walBytesBefore, grown);
      // The WAL never holds more than the one round written since the last checkpoint.
      assert.ok(outcome.walBytesAfter < grown, `WAL ${outcome.walBytesAfter} not below ${grown}`);
    }
    await warehouse.close();
    const reopened = new DuckDBWarehouse({ path, idleCheckpoint: null });
    await reopened.open();
    try {
      const [counts] = await reopened.query(
        "SELECT count(*) AS n, count(DISTINCT _offset) AS d, max(_offset) AS m FROM staging_g1",
      );
      assert.deepEqual(
        [Number(counts?.n), Number(counts?.d), Number(counts?.m)],
        [rounds * perRound, rounds * perRound, rounds * perRound - 1],
      );
      const [mark] = await reopened.query("SELECT max_offset FROM ingest_watermarks");
      assert.equal(Number(mark?.max_offset), rounds * perRound - 1);
    } finally {
      await reopened.close();
    }
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("A checkpoint that dies half-way invalidates the file; reopening replays the WAL and every row is there once", async () => {
  const dir = await Deno.makeTempDir({ prefix: "idle_checkpoint_" });
  const path = `${dir}/aborted.duckdb`;
  const outcomes = new Outcomes();
  const warehouse = new DuckDBWarehouse({
    path,
    retry: TEST_RETRY,
    idleCheckpoint: { idleMs: 0, walBytes: 1 },
    onIdleCheckpoint: outcomes.observe,
  });
  const batch = (fromOffset: number, count: number) => ({
    rows: syntheticBatch({ fromOffset, count }),
    deadLetters: [],
  });
  try {
    await warehouse.open();
    // DuckDB's own test switch: the checkpoint stops after writing blocks, before the new header,
    // as a process killed there would.
    await warehouse.query("SET debug_checkpoint_abort = 'before_header'");
    assert.equal((await warehouse.writeBatch(batch(0, 1000))).staged, 1000);
    const aborted = await outcomes.next();
    assert.equal(aborted.ok, false);
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

Deno.test("A checkpoint DuckDB refuses is logged, loses no committed row, and runs at the next idle moment", async () => {
  const dir = await Deno.makeTempDir({ prefix: "idle_checkpoint_" });
  const path = `${dir}/refused.duckdb`;
  const instance = await DuckDBInstance.create(path, { threads: "1" });
  const writer = await instance.connect();
  const other = await instance.connect();
  const outcomes = new Outcomes();
  const scheduler = new IdleCheckpoint({ idleMs: 0, walBytes: 1 }, {
    walBytes: () => walBytes(path),
    checkpoint: () => other.run("CHECKPOINT").then(() => {}),
  }, outcomes.observe);
  try {
    await writer.run("CREATE TABLE marks (k INTEGER PRIMARY KEY, v BIGINT)");
    await writer.run("INSERT INTO marks VALUES (1, 1)");
    // An update under way on another connection: DuckDB refuses a (non-FORCE) CHECKPOINT.
    await writer.run("BEGIN TRANSACTION");
    await writer.run("INSERT INTO marks VALUES (1, 2) ON CONFLICT DO UPDATE SET v = excluded.v");
    scheduler.idle();
    const refused = await outcomes.next();
    assert.equal(refused.ok, false);
    assert.match(String(refused.ok ? "" : refused.error), /other write transactions/);
    await writer.run("COMMIT");
    scheduler.idle();
    const done = await outcomes.next();
    assert.ok(done.ok);
    assert.ok(done.walBytesAfter < done.walBytesBefore);
    const rows = (await writer.runAndReadAll("SELECT k, v FROM marks")).getRowsJS();
    assert.deepEqual(rows, [[1, 2n]]);
  } finally {
    await scheduler.stop();
    writer.closeSync();
    other.closeSync();
    instance.closeSync();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("No checkpoint runs while the WAL is under the policy's size or work keeps arriving", async () => {
  let wal = 10;
  let checkpoints = 0;
  const outcomes = new Outcomes();
  const scheduler = new IdleCheckpoint({ idleMs: 0, walBytes: 100 }, {
    walBytes: () => wal,
    checkpoint: () => {
      checkpoints++;
      wal = 0;
      return Promise.resolve();
    },
  }, outcomes.observe);
  // Timers of equal delay fire in the order they were set: this one runs after the scheduler's.
  const afterArmed = () => new Promise((resolve) => setTimeout(resolve, 0));
  try {
    scheduler.idle();
    await afterArmed();
    assert.equal(checkpoints, 0, "a small WAL is left alone");
    wal = 1000;
    scheduler.idle();
    scheduler.busy();
    await afterArmed();
    assert.equal(checkpoints, 0, "work arriving disarms it");
    scheduler.idle();
    const outcome = await outcomes.next();
    assert.deepEqual([outcome.ok, checkpoints, wal], [true, 1, 0]);
  } finally {
    await scheduler.stop();
  }
});
