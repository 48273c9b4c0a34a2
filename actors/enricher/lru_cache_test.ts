import assert from "node:assert/strict";
import { LruCache } from "./lru_cache.ts";

const same = (key: string) => key;

Deno.test("an LRU cache computes a missing value once and then answers from the cache", () => {
  const cache = new LruCache<string, number>(4);
  let calls = 0;
  const compute = (key: string) => {
    calls++;
    return key.length;
  };
  assert.equal(cache.get("abc", compute), 3);
  assert.equal(cache.get("abc", compute), 3);
  assert.equal(calls, 1);
  assert.equal(cache.hits, 1);
  assert.equal(cache.misses, 1);
});

Deno.test("an LRU cache never holds more entries than its capacity", () => {
  const cache = new LruCache<string, string>(3);
  for (let i = 0; i < 100; i++) cache.get(`k${i}`, same);
  assert.equal(cache.size, 3);
  assert.deepEqual(["k97", "k98", "k99"].map((k) => cache.has(k)), [true, true, true]);
});

Deno.test("an LRU cache evicts the least recently used entry, not the oldest inserted", () => {
  const cache = new LruCache<string, string>(2);
  cache.get("a", same);
  cache.get("b", same);
  cache.get("a", same); // a is now more recent than b
  cache.get("c", same); // evicts b
  assert.equal(cache.has("a"), true);
  assert.equal(cache.has("b"), false);
  assert.equal(cache.has("c"), true);
});

Deno.test("an LRU cache refuses a capacity that is not a positive integer", () => {
  assert.throws(() => new LruCache(0), RangeError);
  assert.throws(() => new LruCache(1.5), RangeError);
});

Deno.test("an LRU cache never evicts an entry used in the last three quarters of its capacity", () => {
  const capacity = 64;
  const cache = new LruCache<number, number>(capacity);
  const lastUse = new Map<number, number>();
  let state = 12345;
  for (let t = 0; t < 20_000; t++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    // Half the lookups go to 16 hot keys, the rest spread over 400.
    const key = state % 2 === 0 ? state % 16 : 16 + (state % 400);
    cache.get(key, (k) => k);
    lastUse.set(key, t);
    for (const [k, used] of lastUse) {
      if (t - used < (capacity * 3) / 4) {
        assert.ok(cache.has(k), `key ${k} used at ${used}, t=${t}`);
      }
    }
    assert.ok(cache.size <= capacity);
  }
});
