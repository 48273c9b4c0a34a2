import assert from "node:assert/strict";
import {
  BufferPool,
  capacityFor,
  copyBytes,
  RECYCLE_MIN_BYTES,
  threadBuffers,
  worthReturning,
} from "./buffer_pool.ts";

const MIB = 1 << 20;

Deno.test("a buffer given back is reused for the next request it holds, as a view of the asked length", () => {
  const pool = new BufferPool();
  const first = pool.take(MIB);
  assert.equal(first.byteLength, MIB);
  assert.ok(first.buffer.byteLength >= MIB * 1.125, "a new buffer has headroom");
  const buffer = first.buffer;
  pool.give([buffer]);
  assert.equal(pool.size, 1);
  const again = pool.take(MIB + 1000);
  assert.equal(again.buffer, buffer, "the same memory serves a slightly longer message");
  assert.equal(again.byteLength, MIB + 1000);
  assert.equal(again.byteOffset, 0);
  assert.deepEqual([pool.reused, pool.allocated, pool.size], [1, 1, 0]);
});

Deno.test("the smallest kept buffer that holds a request serves it, and one over twice its size does not", () => {
  const pool = new BufferPool();
  const big = new ArrayBuffer(8 * MIB);
  const small = new ArrayBuffer(MIB);
  pool.give([big, small]);
  assert.equal(pool.take(900_000).buffer, small);
  const fresh = pool.take(2 * MIB);
  assert.notEqual(fresh.buffer, big, "8 MiB is more than twice 2 MiB: a new buffer");
  assert.equal(pool.take(5 * MIB).buffer, big);
});

Deno.test("zeroed bytes read as zero even from a reused buffer", () => {
  const pool = new BufferPool();
  const used = pool.take(RECYCLE_MIN_BYTES).fill(7);
  pool.give([used.buffer]);
  const zeroed = pool.zeroed(RECYCLE_MIN_BYTES);
  assert.equal(zeroed.buffer, used.buffer);
  assert.ok(zeroed.every((b) => b === 0));
});

Deno.test("the pool keeps at most its limits, freeing the buffers it has kept longest", () => {
  const pool = new BufferPool({ maxBuffers: 3, maxBytes: 10 * MIB });
  const buffers = Array.from({ length: 5 }, () => new ArrayBuffer(2 * MIB));
  pool.give(buffers);
  assert.deepEqual([pool.size, pool.bytes], [3, 6 * MIB]);
  assert.deepEqual(buffers.map((b) => b.detached), [true, true, false, false, false]);
  const large = new ArrayBuffer(5 * MIB);
  pool.give([large]);
  assert.deepEqual([pool.size, pool.bytes], [3, 9 * MIB], "the oldest made room under maxBytes");
  assert.deepEqual(buffers.map((b) => b.detached), [true, true, true, false, false]);
  const huge = new ArrayBuffer(11 * MIB);
  pool.give([huge]);
  assert.equal(huge.detached, true, "a buffer over maxBytes is never kept");
  assert.equal(pool.size, 3);
  pool.clear();
  assert.deepEqual([pool.size, pool.bytes], [0, 0]);
  assert.ok(buffers.every((b) => b.detached) && large.detached);
});

Deno.test("small, detached and repeated buffers are never kept", () => {
  const pool = new BufferPool();
  const small = new ArrayBuffer(RECYCLE_MIN_BYTES - 8);
  const moved = new ArrayBuffer(MIB);
  structuredClone(moved, { transfer: [moved] });
  const twice = new ArrayBuffer(MIB);
  pool.give([small, moved, twice, twice]);
  assert.equal(pool.size, 1);
  assert.equal(small.detached, true, "a small buffer is freed");
  assert.equal(twice.detached, false, "a buffer given twice is kept once");
  assert.equal(pool.take(100).buffer.byteLength, 100, "small requests are allocated as asked");
});

Deno.test("only large live buffers are worth sending back; the small ones are freed here", () => {
  const small = new ArrayBuffer(1000);
  const large = new ArrayBuffer(capacityFor(MIB));
  assert.deepEqual(worthReturning([small, large, large]), [large]);
  assert.equal(small.detached, true);
});

Deno.test("copies come from this thread's pool", () => {
  const source = new Uint8Array(MIB).fill(3);
  const copy = copyBytes(source);
  assert.deepEqual(copy, source);
  const buffer = copy.buffer;
  const reused = threadBuffers.reused;
  threadBuffers.give([buffer]);
  assert.equal(copyBytes(source).buffer, buffer);
  assert.equal(threadBuffers.reused, reused + 1);
});
