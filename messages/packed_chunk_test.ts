import assert from "node:assert/strict";
import { unknownPosition } from "./chunk_position.ts";
import { chunkTransferables, isPackedChunk, packChunk, valueAt } from "./packed_chunk.ts";

const enc = new TextEncoder();
const header = {
  chunkId: 7,
  topic: "t",
  partition: 2,
  epoch: 1,
  seq: 0,
  position: unknownPosition(100, 102),
};

Deno.test("a packed chunk gives back every value, including empty ones, and survives structured clone", () => {
  const records = ['{"a":1}', "", "ünïcode"].map((text, i) => ({
    offset: 100 + i,
    timestampMs: 1_590_000_000_000 + i,
    value: enc.encode(text),
  }));
  const packed = structuredClone(packChunk(header, records));
  assert.ok(isPackedChunk(packed));
  assert.equal(packed.count, 3);
  assert.deepEqual([...packed.offsets], [100, 101, 102]);
  assert.deepEqual([0, 1, 2].map((i) => new TextDecoder().decode(valueAt(packed, i))), [
    '{"a":1}',
    "",
    "ünïcode",
  ]);
});

Deno.test("the chunk's buffers are transferable, leaving the sender's copy detached", () => {
  const packed = packChunk(header, [{ offset: 1, timestampMs: 2, value: enc.encode("x") }]);
  const moved = structuredClone(packed, { transfer: chunkTransferables(packed) });
  assert.equal(packed.values.byteLength, 0);
  assert.equal(new TextDecoder().decode(valueAt(moved, 0)), "x");
});

Deno.test("malformed chunks are recognised at the boundary", () => {
  const packed = packChunk(header, [{ offset: 1, timestampMs: 2, value: enc.encode("xy") }]);
  assert.equal(isPackedChunk({ ...packed, values: new Uint8Array(1) }), false);
  assert.equal(isPackedChunk({ ...packed, count: 2 }), false);
  assert.equal(isPackedChunk({ ...packed, topic: 3 }), false);
  assert.equal(isPackedChunk({ ...packed, position: { ...packed.position, logEnd: "9" } }), false);
  assert.equal(isPackedChunk(null), false);
});
