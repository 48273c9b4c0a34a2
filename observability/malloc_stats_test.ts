import assert from "node:assert/strict";
import { mallocStats, mallocStatsEvery } from "./malloc_stats.ts";

Deno.test("glibc's malloc figures follow the ArrayBuffers this process allocates", () => {
  const before = mallocStats();
  assert.ok(before !== null, "the test machine runs glibc Linux with FFI granted");
  assert.ok(before.inUseBytes > 0 && before.systemBytes >= before.inUseBytes);
  // 256 MiB, never touched (so not resident): far above what other tests free meanwhile.
  const buffers = Array.from({ length: 64 }, () => new Uint8Array(4 << 20));
  const during = mallocStats();
  assert.ok(during !== null);
  assert.ok(during.inUseBytes - before.inUseBytes >= 192 << 20, "256 MiB of ArrayBuffers in use");
  for (const b of buffers) b.buffer.transfer(0);
  const after = mallocStats();
  assert.ok(after !== null);
  assert.ok(during.inUseBytes - after.inUseBytes >= 192 << 20, "and no longer once freed");
});

Deno.test("malloc's figures asked for often are read again only once the interval has passed", () => {
  let clock = 0;
  let reads = 0;
  const read = () => {
    reads++;
    return { systemBytes: reads, inUseBytes: reads, freeBytes: 0, mappedBytes: 0 };
  };
  const stats = mallocStatsEvery(5_000, () => clock, read);
  assert.equal(stats()?.systemBytes, 1);
  clock = 4_999;
  assert.equal(stats()?.systemBytes, 1, "the last figures within the interval");
  clock = 5_000;
  assert.equal(stats()?.systemBytes, 2, "read again once it has passed");
  assert.equal(reads, 2);
});
