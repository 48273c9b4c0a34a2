/**
 * A lookup cache in front of one range table version: clickstream IPs repeat within sessions, so
 * most lookups are answered by one `Map.get` instead of a search over millions of ranges. The
 * cache empties itself when full (no per-hit bookkeeping), and belongs to one table version: a
 * swapped-in table gets a fresh cache, so no answer outlives its table.
 */
import type { GeoLookup, GeoResult } from "./geo_lookup.ts";

/** Default number of distinct IPs remembered. */
export const DEFAULT_GEO_CACHE_ENTRIES = 65_536;

/** Caches the answers of `inner` by IP text. */
export class CachedGeoLookup implements GeoLookup {
  readonly version: string;
  readonly #inner: GeoLookup;
  readonly #capacity: number;
  readonly #answers = new Map<string, GeoResult | null | "invalid">();
  hits = 0;
  misses = 0;

  /** Remembers up to `capacity` IPs (a positive integer). */
  constructor(inner: GeoLookup, capacity = DEFAULT_GEO_CACHE_ENTRIES) {
    if (!Number.isSafeInteger(capacity) || capacity < 1) {
      throw new RangeError(`Cannot cache ${capacity} geo answers: not a positive integer`);
    }
    this.version = inner.version;
    this.#inner = inner;
    this.#capacity = capacity;
  }

  lookup(ip: string): GeoResult | null | "invalid" {
    const known = this.#answers.get(ip);
    if (known !== undefined) {
      this.hits++;
      return known;
    }
    this.misses++;
    const answer = this.#inner.lookup(ip);
    if (this.#answers.size >= this.#capacity) this.#answers.clear();
    this.#answers.set(ip, answer);
    return answer;
  }
}
