import assert from "node:assert/strict";
import type { ChunkPosition } from "../../messages/chunk_position.ts";
import { checkChunk, NOTHING_STORED, type StoredPartition } from "./partition_guard.ts";

const at = (p: Partial<ChunkPosition>): ChunkPosition => ({
  topicId: "id-a",
  prevOffset: 99,
  fromCommit: false,
  firstOffset: 100,
  lastOffset: 199,
  logEnd: 1_000,
  ...p,
});
const stored = (maxOffset: number, topicId: string | null = "id-a"): StoredPartition => ({
  epoch: 0,
  maxOffset,
  topicId,
});

Deno.test("a chunk that continues the watermark, or replays below it, goes on", () => {
  assert.equal(checkChunk("t", 0, at({}), stored(99)), null);
  assert.equal(checkChunk("t", 0, at({ prevOffset: 49, fromCommit: true }), stored(150)), null);
  assert.equal(checkChunk("t", 0, at({ prevOffset: null }), NOTHING_STORED), null);
});

Deno.test("a chunk that would advance the watermark across offsets never stored is a gap, not a halt", () => {
  const refusal = checkChunk("t", 3, at({ prevOffset: 199, firstOffset: 200 }), stored(99));
  assert.equal(refusal?.kind, "gap");
  assert.equal(refusal?.halts, false);
  assert.match(refusal?.message ?? "", /offsets 100 to 199 would be skipped/);
  assert.deepEqual([refusal?.storedOffset, refusal?.kafkaOffset], [99, 199]);
});

Deno.test("a group commit ahead of the watermark halts the partition, naming both offsets", () => {
  const refusal = checkChunk("t", 1, at({ prevOffset: 499, fromCommit: true }), stored(99));
  assert.equal(refusal?.kind, "committed_ahead");
  assert.equal(refusal?.halts, true);
  assert.match(
    refusal?.message ?? "",
    /committed offset 500, but the warehouse stored offsets only up to 99/,
  );
});

Deno.test("a log that ends below the watermark halts the partition: it is another log", () => {
  const refusal = checkChunk(
    "product_view",
    2,
    at({ prevOffset: null, firstOffset: 0, lastOffset: 1_999, logEnd: 3_334 }),
    stored(33_332, null),
  );
  assert.equal(refusal?.kind, "log_truncated");
  assert.equal(refusal?.halts, true);
  assert.match(
    refusal?.message ?? "",
    /topic product_view partition 2: its log ends at offset 3333 but the warehouse stored offsets up to 33332/,
  );
  assert.match(refusal?.message ?? "", /reset-partition -- --topic product_view --partition 2/);
});

Deno.test("another topic id halts the partition even when its log is long enough", () => {
  const refusal = checkChunk("t", 0, at({ topicId: "id-b", logEnd: 1e6 }), stored(99));
  assert.equal(refusal?.kind, "topic_changed");
  assert.match(refusal?.message ?? "", /from topic id id-a, but Kafka now serves topic id id-b/);
  assert.equal(checkChunk("t", 0, at({ topicId: null }), stored(99)), null, "unknown ids pass");
  assert.equal(checkChunk("t", 0, at({}), stored(99, null)), null, "an id is adopted when none");
});
