/**
 * A bounded least-recently-used cache on a `Map` (which iterates in insertion order, so the
 * first key is the least recently used one). Holds at most `capacity` entries and counts hits
 * and misses so callers can report a hit rate.
 */

interface Slot<V> {
  readonly value: V;
  /** Lookup count when the entry last moved to the back of the map. */
  stamp: number;
}

/**
 * A bounded LRU cache that computes missing values on demand. A hit moves its entry to the
 * back only when the entry has not moved in the last `capacity / 4` lookups: a hot entry then
 * costs one `Map.get` instead of a delete and an insert, and eviction stays LRU to within that
 * slack (an entry used in the last `3/4 * capacity` lookups is never evicted; below a capacity
 * of 4 the order is exact).
 */
export class LruCache<K, V> {
  readonly #entries = new Map<K, Slot<V>>();
  readonly #capacity: number;
  readonly #slack: number;
  #lookups = 0;
  #hits = 0;
  #misses = 0;

  /** A cache holding at most `capacity` entries (a positive integer). */
  constructor(capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Cannot create an LRU cache of capacity ${capacity}: not a positive integer`,
      );
    }
    this.#capacity = capacity;
    this.#slack = capacity >> 2;
  }

  /** Most entries the cache holds. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Lookups answered from the cache. */
  get hits(): number {
    return this.#hits;
  }

  /** Lookups that had to compute their value. */
  get misses(): number {
    return this.#misses;
  }

  /** Whether `key` is cached (does not refresh it or count a lookup). */
  has(key: K): boolean {
    return this.#entries.has(key);
  }

  /**
   * The value of `key`: the cached one (now recently used), or `compute(key)`, which is then
   * cached, evicting the least recently used entry when the cache is full.
   */
  get(key: K, compute: (key: K) => V): V {
    const entries = this.#entries;
    const now = ++this.#lookups;
    const slot = entries.get(key);
    if (slot !== undefined) {
      this.#hits++;
      if (now - slot.stamp > this.#slack) {
        entries.delete(key);
        entries.set(key, slot);
        slot.stamp = now;
      }
      return slot.value;
    }
    this.#misses++;
    const value = compute(key);
    if (entries.size >= this.#capacity) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, { value, stamp: now });
    return value;
  }
}
