import assert from "node:assert/strict";
import { BATCHER_PROTOCOL } from "../../messages/batcher.ts";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { packRows, rowsTransferables } from "../../messages/packed_rows.ts";
import { type Cell, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { inProcess } from "../runtime/testing.ts";
import type { EnrichedChunk } from "../../messages/enricher.ts";
import { startBatcher } from "./batcher_behaviour.ts";

function chunk(partition: number, epoch: number, seq: number, rows: number): EnrichedChunk {
  return {
    chunkId: epoch * 1_000 + seq,
    topic: "clicks",
    partition,
    epoch,
    seq,
    position: unknownPosition(seq * rows, seq * rows + rows - 1),
    rows: packRows({
      rowCount: rows,
      columns: STAGING_COLUMNS.map((): Cell[] => new Array(rows).fill(null)),
    }),
    deadLetters: [],
  };
}

const batcher = (maxRows: number) =>
  inProcess(BATCHER_PROTOCOL, (limits, ctx) => startBatcher(limits, ctx, () => 0), {
    maxRows,
    maxAgeMs: 60_000,
    maxBytes: 1e9,
  });

Deno.test("emits a batch when it reaches its row limit, with the chunk ids to acknowledge", async () => {
  const actor = await batcher(10);
  await actor.send("batcher.add", chunk(0, 0, 0, 6));
  assert.equal(actor.emitted.length, 0);
  await actor.send("batcher.add", chunk(0, 0, 1, 6));
  assert.equal(actor.emitted.length, 1);
  const first = actor.emitted[0];
  assert.equal(first?.body.rows.rowCount, 12);
  assert.deepEqual(first?.body.chunkIds, [0, 1]);
});

Deno.test("the chunks a batch was joined from are handed back to their maker, moved, once the batch is emitted", async () => {
  const actor = await batcher(10);
  const first = chunk(0, 0, 0, 6);
  const second = chunk(0, 0, 1, 6);
  const buffers = [first, second].flatMap((c) => rowsTransferables(c.rows));
  const lengths = buffers.map((b) => b.byteLength);
  await actor.send("batcher.add", first);
  assert.equal(actor.recycled.length, 0, "an open batch hands nothing back");
  await actor.send("batcher.add", second);
  assert.equal(actor.emitted[0]?.body.rows.rowCount, 12);
  assert.deepEqual(actor.recycled.map((b) => b.byteLength), lengths);
  assert.ok(buffers.every((b) => b.detached), "the batcher keeps no view of them");
});

Deno.test("flush closes the open batch; the stop hook flushes too", async () => {
  const actor = await batcher(100);
  await actor.send("batcher.add", chunk(0, 0, 0, 3));
  assert.deepEqual(await actor.send("batcher.flush", {}), { closed: 1 });
  assert.deepEqual(await actor.send("batcher.flush", {}), { closed: 0 });
  await actor.send("batcher.add", chunk(0, 0, 1, 2));
  await actor.stop();
  assert.deepEqual(actor.emitted.map((m) => m.body.rows.rowCount), [3, 2]);
});

Deno.test("drops chunks of an older consumer epoch once a newer one was seen for the partition", async () => {
  const actor = await batcher(1);
  await actor.send("batcher.add", chunk(0, 1_000_000, 0, 1));
  await actor.send("batcher.add", chunk(0, 0, 7, 1)); // the crashed consumer's late chunk
  await actor.send("batcher.add", chunk(1, 0, 0, 1)); // another partition is unaffected
  assert.deepEqual(actor.emitted.map((m) => m.body.chunkIds), [[1_000_000_000], [0]]);
});

/**
 * A batcher whose batches are due as soon as they open (`maxAgeMs` 0), whose emits the test takes
 * one by one: `release()` lets the runtime take the oldest one held, as a writer's mailbox that
 * frees a place would.
 */
async function heldBatcher(maxRows: number) {
  const held: (() => void)[] = [];
  const waiting: { count: number; resolve: () => void }[] = [];
  const actor = await inProcess(
    BATCHER_PROTOCOL,
    (limits, ctx) => startBatcher(limits, ctx, () => 0),
    { maxRows, maxAgeMs: 0, maxBytes: 1e9 },
    {
      taken: () => new Promise<void>((resolve) => held.push(resolve)),
      onEmit: () => {
        for (const w of waiting) if (actor.emitted.length >= w.count) w.resolve();
      },
    },
  );
  return {
    actor,
    release: () => held.shift()?.(),
    /** Resolves once `count` batches were emitted. */
    emittedCount: (count: number) =>
      actor.emitted.length >= count
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiting.push({ count, resolve })),
  };
}

/** Lets every timer already due run (the batcher's age timer was set before this one). */
const timersRun = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

Deno.test("with nothing on its way to the writer, a batch closes by age alone", async () => {
  const { actor, emittedCount } = await heldBatcher(100);
  await actor.send("batcher.add", chunk(0, 0, 0, 3));
  await emittedCount(1);
  assert.deepEqual(actor.emitted.map((m) => m.body.chunkIds), [[0]]);
});

Deno.test("while a batch before is on its way, the open one takes more chunks and closes by age once that one was taken", async () => {
  const { actor, release, emittedCount } = await heldBatcher(100);
  await actor.send("batcher.add", chunk(0, 0, 0, 6));
  await emittedCount(1); // closed by age, held: the writer's mailbox is full
  await actor.send("batcher.add", chunk(0, 0, 1, 3)); // taken, though the batch before is held
  await timersRun(); // this batch is due now, but the one before is still on its way
  await actor.send("batcher.add", chunk(0, 0, 2, 3));
  await timersRun();
  assert.equal(actor.emitted.length, 1, "a due batch waits while the one before is held");
  release();
  await emittedCount(2);
  assert.deepEqual(actor.emitted.map((m) => m.body.chunkIds), [[0], [1, 2]]);
  assert.equal(actor.emitted[1]?.body.rows.rowCount, 6);
});

Deno.test("a batch closed by size waits until the batches before it were taken, holding the enrichers back", async () => {
  const { actor, release, emittedCount } = await heldBatcher(5);
  await actor.send("batcher.add", chunk(0, 0, 0, 2));
  await emittedCount(1); // closed by age, held
  let added = false;
  const full = actor.send("batcher.add", chunk(0, 0, 1, 5)).then(() => added = true);
  await timersRun();
  assert.equal(added, false, "the chunk that filled a batch is answered only once it can go");
  release(); // the batch before is taken; the full one is emitted and held in its turn
  await emittedCount(2);
  await timersRun();
  assert.equal(added, false);
  release();
  await full;
  assert.deepEqual(actor.emitted.map((m) => m.body.chunkIds), [[0], [1]]);
});

Deno.test("a batch the runtime could not take makes the next chunk fail, so the batcher restarts and re-reads from Kafka", async () => {
  let emits = 0;
  const actor = await inProcess(
    BATCHER_PROTOCOL,
    (limits, ctx) => startBatcher(limits, ctx, () => 0),
    { maxRows: 100, maxAgeMs: 0, maxBytes: 1e9 },
    {
      taken: () =>
        ++emits === 1 ? Promise.reject(new Error("the host is gone")) : Promise.resolve(),
    },
  );
  await actor.send("batcher.add", chunk(0, 0, 0, 3));
  await timersRun(); // closed by age; its emit fails
  await assert.rejects(actor.send("batcher.add", chunk(0, 0, 1, 3)), /the host is gone/);
  await assert.rejects(actor.send("batcher.flush", {}), /the host is gone/);
});
