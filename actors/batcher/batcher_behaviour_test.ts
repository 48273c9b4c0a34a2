import assert from "node:assert/strict";
import { BATCHER_PROTOCOL } from "../../messages/batcher.ts";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { packRows } from "../../messages/packed_rows.ts";
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
