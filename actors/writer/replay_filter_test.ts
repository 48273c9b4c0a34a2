import assert from "node:assert/strict";
import { filterReplays, partitionKey } from "./replay_filter.ts";
import { columnOf } from "./batch_columns.ts";
import { concatBatches, syntheticBatch, syntheticDeadLetter } from "./testing.ts";

Deno.test("events at or below a partition's watermark are dropped, others kept in order", () => {
  const rows = syntheticBatch({ fromOffset: 0, count: 10 });
  const stored = new Map([[partitionKey("product_view", 0), 5]]);
  const out = filterReplays(rows, [syntheticDeadLetter(3), syntheticDeadLetter(10)], stored);
  assert.deepEqual(columnOf(out.rows, "_offset"), [6, 7, 8, 9]);
  assert.deepEqual(out.deadLetters.map((d) => d.offset), [10]);
  assert.equal(out.replayed, 7);
  assert.deepEqual(out.advanced, [{ topic: "product_view", partition: 0, maxOffset: 10 }]);
});

Deno.test("an offset repeated inside one batch is kept once, even out of order", () => {
  const a = syntheticBatch({ fromOffset: 0, count: 3 });
  const b = syntheticBatch({ fromOffset: 1, count: 1 });
  const out = filterReplays(concatBatches([a, b]), [syntheticDeadLetter(2)], new Map());
  assert.deepEqual(columnOf(out.rows, "_offset"), [0, 1, 2]);
  assert.equal(out.deadLetters.length, 0);
  assert.equal(out.replayed, 2);
});

Deno.test("partitions are filtered against their own watermarks", () => {
  const rows = concatBatches([
    syntheticBatch({ fromOffset: 0, count: 3, partition: 0 }),
    syntheticBatch({ fromOffset: 0, count: 3, partition: 1 }),
  ]);
  const out = filterReplays(rows, [], new Map([[partitionKey("product_view", 1), 1]]));
  assert.deepEqual(columnOf(out.rows, "_partition"), [0, 0, 0, 1]);
  assert.deepEqual(out.advanced.map((w) => [w.partition, w.maxOffset]), [[0, 2], [1, 2]]);
});

Deno.test("a row without Kafka coordinates is refused as a TypeError", () => {
  const rows = syntheticBatch({ fromOffset: 0, count: 2 });
  columnOf(rows, "_offset")[1] = null;
  assert.throws(() => filterReplays(rows, [], new Map()), TypeError);
});

Deno.test("runs of partitions and topics that come back later are each filtered against their own state", () => {
  const run = (topic: string, partition: number, fromOffset: number, count: number) =>
    syntheticBatch({ topic, partition, fromOffset, count });
  const rows = concatBatches([
    run("a", 0, 0, 3), // kept: 2 (stored 1)
    run("b", 0, 0, 2), // kept: 0, 1 (nothing stored)
    run("a", 1, 5, 2), // kept: 5, 6
    run("a", 0, 1, 4), // 1 stored, 2 repeated; kept: 3, 4
    run("b", 0, 1, 2), // 1 repeated; kept: 2
  ]);
  const stored = new Map([[partitionKey("a", 0), 1], [partitionKey("b", 1), 99]]);
  const out = filterReplays(rows, [], stored);
  const kept = columnOf(out.rows, "_offset").map((offset, i) =>
    `${columnOf(out.rows, "_topic")[i]}/${columnOf(out.rows, "_partition")[i]}@${offset}`
  );
  assert.deepEqual(kept, ["a/0@2", "b/0@0", "b/0@1", "a/1@5", "a/1@6", "a/0@3", "a/0@4", "b/0@2"]);
  assert.equal(out.replayed, 13 - 8);
  assert.deepEqual(
    out.advanced.map((w) => `${w.topic}/${w.partition}@${w.maxOffset}`),
    ["a/0@4", "b/0@2", "a/1@6"],
  );
});
