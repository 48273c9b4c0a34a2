/**
 * The enricher's User-Agent cache: a bounded LRU from UA string to its parsed fields and MD5 id,
 * so each distinct UA is parsed and hashed once while it stays popular. Clickstream UAs are
 * Zipf-distributed, so a few thousand entries answer nearly every lookup.
 */

import { LruCache } from "./lru_cache.ts";
import { parseUserAgent, type UserAgentInfo } from "./user_agent_info.ts";

/** Default number of distinct UAs kept. */
export const DEFAULT_USER_AGENT_CACHE_CAPACITY = 10_000;

/** Parsed User-Agents, cached. */
export class UserAgentCache {
  readonly #cache: LruCache<string, UserAgentInfo>;

  /** A cache holding at most `capacity` distinct UAs. */
  constructor(capacity: number = DEFAULT_USER_AGENT_CACHE_CAPACITY) {
    this.#cache = new LruCache(capacity);
  }

  /** The fields of `ua`, parsed on first sight. */
  lookup(ua: string): UserAgentInfo {
    return this.#cache.get(ua, parseUserAgent);
  }

  /** Lookups answered from the cache so far. */
  get hits(): number {
    return this.#cache.hits;
  }

  /** Lookups that parsed a UA so far. */
  get misses(): number {
    return this.#cache.misses;
  }

  /** Share of lookups answered from the cache (0 before any lookup). */
  get hitRate(): number {
    const total = this.#cache.hits + this.#cache.misses;
    return total === 0 ? 0 : this.#cache.hits / total;
  }
}
