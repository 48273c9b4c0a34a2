import assert from "node:assert/strict";
import { unknownPosition } from "../messages/chunk_position.ts";
import { packChunk } from "../messages/packed_chunk.ts";
import { poisonChunk } from "./poison_chunk.ts";

const enc = new TextEncoder();

Deno.test("a poison chunk becomes one dead letter per event, with raw bytes, and no rows", () => {
  const values = ['{"ok":1}', "not json", ""];
  const chunk = packChunk(
    { chunkId: 9, topic: "t", partition: 4, epoch: 2, seq: 5, position: unknownPosition(70, 72) },
    values.map((text, i) => ({ offset: 70 + i, timestampMs: 1_000 + i, value: enc.encode(text) })),
  );
  const out = poisonChunk(chunk, new Error("Worker died"));
  assert.deepEqual(
    [out.chunkId, out.topic, out.partition, out.epoch, out.seq, out.rows.rowCount],
    [9, "t", 4, 2, 5, 0],
  );
  assert.deepEqual(out.position, chunk.position, "the writer can still check where it sits");
  assert.deepEqual(out.deadLetters.map((d) => [d.offset, d.kafkaTimestampMs, d.code]), [
    [70, 1_000, "poison"],
    [71, 1_001, "poison"],
    [72, 1_002, "poison"],
  ]);
  assert.deepEqual(out.deadLetters.map((d) => new TextDecoder().decode(d.raw)), values);
  assert.match(
    out.deadLetters[0]?.reason ?? "",
    /crashed the enricher repeatedly: Error: Worker died/,
  );
});

Deno.test("what is not a chunk cannot be poisoned silently", () => {
  assert.throws(() => poisonChunk({ chunkId: 1 }, new Error("x")), TypeError);
});
