import assert from "node:assert/strict";
import { ChunkPositions } from "./chunk_positions.ts";

Deno.test("the first chunk of an assignment is preceded by the committed offset − 1", () => {
  const p = new ChunkPositions();
  p.reset(1, new Map([[0, 40], [1, -1]]));
  assert.deepEqual(p.next(0, 40, 49, 100, "id"), {
    topicId: "id",
    prevOffset: 39,
    fromCommit: true,
    firstOffset: 40,
    lastOffset: 49,
    logEnd: 100,
  });
  assert.equal(p.next(1, 0, 9, 10, "id").prevOffset, null, "no commit: nothing known before");
});

Deno.test("later chunks are preceded by the last offset handed over, even across offset holes", () => {
  const p = new ChunkPositions();
  p.reset(1, new Map([[0, 0]]));
  p.next(0, 0, 9, 100, null);
  const after = p.next(0, 12, 20, 100, null); // 10 and 11 were transaction markers
  assert.equal(after.prevOffset, 9);
  assert.equal(after.fromCommit, false);
});

Deno.test("a new generation forgets what was handed over and starts from its commits", () => {
  const p = new ChunkPositions();
  p.reset(1, new Map([[0, 0]]));
  p.next(0, 0, 99, 200, null);
  p.reset(1, new Map([[0, 50]]));
  assert.equal(p.next(0, 50, 59, 200, null).prevOffset, 49);
});

Deno.test("a chunk that starts at or before what was accounted for moves back", () => {
  const p = new ChunkPositions();
  p.reset(1, new Map([[0, 1000]]));
  assert.equal(p.movesBack(0, 1000), false);
  assert.equal(p.movesBack(0, 0), true, "the broker reset a committed offset past the log end");
  assert.equal(p.movesBack(1, 0), false, "nothing known, nothing to move back from");
});
