import assert from "node:assert/strict";
import type { ChunkSpan } from "../../messages/chunk_position.ts";
import { columnOf } from "./batch_columns.ts";
import { planBatch } from "./batch_plan.ts";
import type { StoredPartition } from "./partition_guard.ts";
import { partitionKey } from "./replay_filter.ts";
import { concatBatches, syntheticBatch, syntheticDeadLetter } from "./testing.ts";

const span = (
  chunkId: number,
  partition: number,
  first: number,
  rows: number,
  letters = 0,
  prev: number | null = first - 1,
): ChunkSpan => ({
  chunkId,
  topic: "product_view",
  partition,
  position: {
    topicId: "id",
    prevOffset: prev,
    fromCommit: false,
    firstOffset: first,
    lastOffset: first + rows + letters - 1,
    logEnd: 1_000_000,
  },
  rowCount: rows,
  deadLetterCount: letters,
});
const held = (p: number, maxOffset: number, epoch = 0): [string, StoredPartition] => [
  partitionKey("product_view", p),
  { epoch, maxOffset, topicId: "id" },
];

Deno.test("chunks that continue their partitions are written whole and may be acknowledged", () => {
  const rows = concatBatches([
    syntheticBatch({ fromOffset: 0, count: 10, partition: 0 }),
    syntheticBatch({ fromOffset: 0, count: 9, partition: 1 }),
  ]);
  const plan = planBatch({
    rows,
    deadLetters: [syntheticDeadLetter(9, 1)],
    chunks: [span(1, 0, 0, 10), span(2, 1, 0, 9, 1)],
  }, new Map());
  assert.deepEqual(plan.acceptedChunkIds, [1, 2]);
  assert.deepEqual([plan.rows.rowCount, plan.deadLetters.length, plan.held], [19, 1, 0]);
  assert.deepEqual(plan.advanced.map((a) => [a.partition, a.maxOffset, a.epoch]), [
    [0, 9, 0],
    [1, 9, 0],
  ]);
});

Deno.test("a gap holds back its partition's chunks only; the other partitions are written", () => {
  const rows = concatBatches([
    syntheticBatch({ fromOffset: 200, count: 10, partition: 0 }),
    syntheticBatch({ fromOffset: 10, count: 5, partition: 1 }),
    syntheticBatch({ fromOffset: 210, count: 10, partition: 0 }),
  ]);
  const plan = planBatch({
    rows,
    deadLetters: [],
    chunks: [span(1, 0, 200, 10, 0, 199), span(2, 1, 10, 5), span(3, 0, 210, 10)],
  }, new Map([held(0, 99), held(1, 9)]));
  assert.deepEqual(plan.acceptedChunkIds, [2]);
  assert.equal(plan.held, 20);
  assert.deepEqual(columnOf(plan.rows, "_offset"), [10, 11, 12, 13, 14]);
  assert.equal(plan.refusals.length, 1);
  assert.equal(plan.refusals[0]?.kind, "gap");
  assert.deepEqual(plan.advanced.map((a) => [a.partition, a.maxOffset]), [[1, 14]]);
});

Deno.test("replays of stored offsets are dropped and still acknowledged, never counted as held", () => {
  const plan = planBatch({
    rows: syntheticBatch({ fromOffset: 50, count: 100 }),
    deadLetters: [],
    chunks: [span(7, 0, 50, 100, 0, 49)],
  }, new Map([held(0, 119, 2)]));
  assert.deepEqual(plan.acceptedChunkIds, [7]);
  assert.deepEqual([plan.replayed, plan.rows.rowCount, plan.held], [70, 30, 0]);
  assert.equal(plan.epochOf("product_view", 0), 2);
  assert.deepEqual(plan.advanced.map((a) => [a.maxOffset, a.epoch]), [[149, 2]]);
});

Deno.test("batches without chunk spans (tools, benches) are only filtered for replays", () => {
  const plan = planBatch(
    { rows: syntheticBatch({ fromOffset: 0, count: 5 }), deadLetters: [] },
    new Map([held(0, 1)]),
  );
  assert.deepEqual([plan.rows.rowCount, plan.replayed, plan.acceptedChunkIds.length], [3, 2, 0]);
});
