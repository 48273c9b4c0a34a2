/**
 * The project's one seeded pseudo-random source: sfc32 seeded by hashing integer parts (seed,
 * stream, index), so the event generator rebuilds any message from its index alone, and tests and
 * benchmarks reproduce their data from a seed. Never Math.random where a run must repeat.
 */

const TWO_32 = 0x1_0000_0000;

function mix32(value: number): number {
  let h = value >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Hashes non-negative integers (up to 2^53) to one unsigned 32-bit value. */
export function hash32(...parts: readonly number[]): number {
  let h = 0x9e3779b9;
  for (const part of parts) {
    const low = part >>> 0;
    const high = Math.floor(part / TWO_32) >>> 0;
    h = mix32(h ^ mix32(low ^ 0x27d4eb2f));
    h = mix32(h ^ mix32(high ^ 0x165667b1));
  }
  return h;
}

/** A small, fast, seedable generator (sfc32); the same parts always give the same sequence. */
export class Rng {
  #a: number;
  #b: number;
  #c: number;
  #d = 1;

  /** Seeds from integer parts, e.g. `new Rng(seed, stream, index)`. */
  constructor(...parts: readonly number[]) {
    this.#a = hash32(1, ...parts);
    this.#b = hash32(2, ...parts);
    this.#c = hash32(3, ...parts);
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** An unsigned 32-bit integer. */
  nextU32(): number {
    const t = (((this.#a + this.#b) | 0) + this.#d) | 0;
    this.#d = (this.#d + 1) | 0;
    this.#a = this.#b ^ (this.#b >>> 9);
    this.#b = (this.#c + (this.#c << 3)) | 0;
    this.#c = (this.#c << 21) | (this.#c >>> 11);
    this.#c = (this.#c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1). */
  next(): number {
    return this.nextU32() / TWO_32;
  }

  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }

  /** An integer in [min, max], both included. */
  range(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** One item of a non-empty list, uniformly. */
  pick<T>(items: readonly T[]): T {
    const item = items[this.int(items.length)];
    if (item === undefined) throw new RangeError("Cannot pick from an empty list");
    return item;
  }
}

/** A float source in [0, 1) seeded by integer parts, for code that takes a `() => number`. */
export function seededRandom(...parts: readonly number[]): () => number {
  const rng = new Rng(...parts);
  return () => rng.next();
}

/** Picks items by weight in O(log n): cumulative weights and a binary search. */
export class WeightedPicker<T> {
  readonly #items: T[] = [];
  readonly #cumulative: number[] = [];
  readonly #total: number;

  /** Builds the picker from `[item, weight]` pairs; weights must be non-negative. */
  constructor(entries: Iterable<readonly [T, number]>) {
    let total = 0;
    for (const [item, weight] of entries) {
      if (!(weight >= 0)) throw new RangeError(`Weight must be >= 0, got ${weight}`);
      if (weight === 0) continue;
      total += weight;
      this.#items.push(item);
      this.#cumulative.push(total);
    }
    if (total <= 0) throw new RangeError("A weighted picker needs a positive total weight");
    this.#total = total;
  }

  /** The number of items with a positive weight. */
  get size(): number {
    return this.#items.length;
  }

  /** One item, drawn with probability proportional to its weight. */
  pick(rng: Rng): T {
    const target = rng.next() * this.#total;
    let low = 0;
    let high = this.#cumulative.length - 1;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if ((this.#cumulative[mid] ?? 0) > target) high = mid;
      else low = mid + 1;
    }
    return this.#items[low] as T;
  }
}

/** Zipf weights 1/(rank+1)^s for ranks 0..n-1: a few items dominate, a long tail follows. */
export function zipfWeight(rank: number, s: number): number {
  return 1 / Math.pow(rank + 1, s);
}
