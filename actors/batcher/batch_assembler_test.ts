import assert from "node:assert/strict";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { packRows, unpackRows } from "../../messages/packed_rows.ts";
import { type Cell, type DeadLetter, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import type { EnrichedChunk } from "../../messages/enricher.ts";
import { BatchAssembler, chunkBytes } from "./batch_assembler.ts";

/** A chunk with `n` rows (only `_partition` and `_offset` filled), and dead letters. */
function chunk(
  partition: number,
  seq: number,
  first: number,
  n: number,
  dead: number[] = [],
): EnrichedChunk {
  const offsets = Array.from({ length: n }, (_, i) => first + i).filter((o) => !dead.includes(o));
  const rows = packRows({
    rowCount: offsets.length,
    columns: STAGING_COLUMNS.map((_, col): Cell[] =>
      col === 2 ? offsets : col === 1 ? offsets.map(() => partition) : offsets.map(() => null)
    ),
  });
  const deadLetters: DeadLetter[] = dead.map((offset) => ({
    topic: "t",
    partition,
    offset,
    kafkaTimestampMs: 0,
    code: "not_json",
    reason: "test",
    raw: new Uint8Array([1]),
  }));
  return {
    chunkId: partition * 1000 + seq,
    topic: "t",
    partition,
    epoch: 1,
    seq,
    position: unknownPosition(first, first + n - 1),
    rows,
    deadLetters,
  };
}

Deno.test("a batch says which chunk each run of its rows and dead letters came from", () => {
  const a = new BatchAssembler({ maxRows: 100, maxAgeMs: 1000, maxBytes: 1e9 });
  a.add(chunk(0, 0, 0, 6, [2]), 0);
  a.add(chunk(1, 0, 0, 3), 0);
  const batch = a.flush();
  assert.deepEqual(
    batch?.chunks.map((c) => [c.chunkId, c.partition, c.rowCount, c.deadLetterCount]),
    [[0, 0, 5, 1], [1000, 1, 3, 0]],
  );
  assert.deepEqual(batch?.chunks[0]?.position, unknownPosition(0, 5));
});

Deno.test("a batch closes when it reaches maxRows, counting dead letters", () => {
  const a = new BatchAssembler({ maxRows: 10, maxAgeMs: 1000, maxBytes: 1e9 });
  assert.deepEqual(a.add(chunk(0, 0, 0, 6), 0), []);
  const [batch] = a.add(chunk(0, 1, 6, 4, [7]), 1);
  assert.ok(batch);
  assert.equal(batch.rows.rowCount, 9);
  assert.deepEqual(unpackRows(batch.rows).columns[2], [0, 1, 2, 3, 4, 5, 6, 8, 9]);
  assert.deepEqual(batch.deadLetters.map((d) => d.offset), [7]);
  assert.deepEqual(batch.chunkIds, [0, 1]);
  assert.equal(a.flush(), undefined);
});

Deno.test("a batch closes after maxAgeMs from its first chunk, whichever comes first", () => {
  const a = new BatchAssembler({ maxRows: 1000, maxAgeMs: 50, maxBytes: 1e9 });
  a.add(chunk(0, 0, 0, 3), 100);
  assert.equal(a.dueAt(), 150);
  assert.equal(a.flushDue(149), undefined);
  const batch = a.flushDue(150);
  assert.equal(batch?.rows.rowCount, 3);
  assert.equal(a.dueAt(), undefined);
});

Deno.test("chunks finished out of order enter batches in the consumer's order per partition", () => {
  const a = new BatchAssembler({ maxRows: 100, maxAgeMs: 10, maxBytes: 1e9 });
  a.add(chunk(0, 2, 20, 10), 0);
  a.add(chunk(0, 1, 10, 10), 0);
  a.add(chunk(1, 0, 0, 5), 0);
  assert.equal(a.waiting(), 2);
  a.add(chunk(0, 0, 0, 10), 0);
  assert.equal(a.waiting(), 0);
  const batch = a.flush();
  assert.ok(batch);
  const p0 = (unpackRows(batch.rows).columns[2] ?? []).filter((_, i) =>
    unpackRows(batch.rows).columns[1]?.[i] === 0
  );
  assert.deepEqual(p0, Array.from({ length: 30 }, (_, i) => i));
  assert.deepEqual(batch.chunkIds, [1000, 0, 1, 2]);
});

Deno.test("a chunk delivered again after a crash upstream is counted and not batched twice", () => {
  const a = new BatchAssembler({ maxRows: 100, maxAgeMs: 10, maxBytes: 1e9 });
  a.add(chunk(0, 0, 0, 1), 0);
  assert.deepEqual(a.add(chunk(0, 0, 0, 1), 0), []);
  assert.equal(a.duplicates, 1);
  assert.equal(a.flush()?.rows.rowCount, 1);
});

Deno.test("a batch closes before a chunk would take it past maxBytes; a bigger chunk goes alone", () => {
  const one = chunkBytes(chunk(0, 0, 0, 100));
  const a = new BatchAssembler({ maxRows: 1_000_000, maxAgeMs: 1000, maxBytes: one * 2.5 });
  assert.deepEqual(a.add(chunk(0, 0, 0, 100), 0), []);
  assert.deepEqual(a.add(chunk(0, 1, 100, 100), 0), []);
  const [first] = a.add(chunk(0, 2, 200, 100), 0);
  assert.deepEqual(first?.chunkIds, [0, 1], "closed before the third chunk");
  assert.ok((first?.rows.bytes.byteLength ?? Infinity) <= one * 2.5);
  const [second, big] = a.add(chunk(0, 3, 300, 400), 0);
  assert.deepEqual([second?.chunkIds, big?.chunkIds], [[2], [3]], "the big chunk alone");
  assert.equal(a.flush(), undefined);
  assert.equal(unpackRows(big!.rows).rowCount, 400);
});

Deno.test("impossible limits are refused", () => {
  assert.throws(() => new BatchAssembler({ maxRows: 0, maxAgeMs: 10, maxBytes: 1e9 }), RangeError);
  assert.throws(() => new BatchAssembler({ maxRows: 1, maxAgeMs: 10, maxBytes: 0 }), RangeError);
});

Deno.test("the chunks a closed batch copied are handed back, and a batch made of one chunk keeps its buffer", () => {
  const spent: ArrayBuffer[] = [];
  const assembler = new BatchAssembler(
    { maxRows: 10, maxAgeMs: 1_000, maxBytes: 1 << 30 },
    (buffers) => spent.push(...buffers),
  );
  const first = chunk(0, 0, 0, 5);
  const second = chunk(0, 1, 5, 5);
  const [joined] = assembler.add(first, 0).concat(assembler.add(second, 0));
  assert.equal(joined?.rows.rowCount, 10);
  assert.deepEqual(spent, [first.rows.bytes.buffer, second.rows.bytes.buffer]);
  const alone = chunk(0, 2, 10, 10);
  const [batch] = assembler.add(alone, 0);
  assert.equal(batch?.rows.bytes.buffer, alone.rows.bytes.buffer);
  assert.equal(spent.length, 2, "the buffer the batch is made of is not handed back");
});
