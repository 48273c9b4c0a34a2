/**
 * robots.txt per origin, fetched once and kept for its time to live; concurrent askers share one
 * fetch. Per RFC 9309: a 4xx means no rules, a 5xx or no answer means "disallow all" for a short
 * while. Entries are bounded by the allow-list's origins.
 */

import { RobotsRules } from "./robots_rules.ts";

/** Rules fetched for an origin and how long they hold. */
export interface LoadedRobots {
  readonly rules: RobotsRules;
  readonly ttlMs: number;
}

/** Fetches and parses an origin's robots.txt; rejects only when `signal` aborts. */
export type RobotsLoader = (origin: URL, signal: AbortSignal) => Promise<LoadedRobots>;

interface Entry {
  readonly rules: Promise<RobotsRules>;
  expiresAtMs: number;
}

/** Cached robots.txt rules by origin. */
export class RobotsCache {
  readonly #load: RobotsLoader;
  readonly #now: () => number;
  readonly #entries = new Map<string, Entry>();

  constructor(load: RobotsLoader, now: () => number = Date.now) {
    this.#load = load;
    this.#now = now;
  }

  /** Whether the rules of `url`'s origin allow fetching it. */
  async allows(url: URL, signal: AbortSignal): Promise<boolean> {
    return (await this.#rulesFor(new URL(url.origin), signal)).allows(url);
  }

  #rulesFor(origin: URL, signal: AbortSignal): Promise<RobotsRules> {
    const cached = this.#entries.get(origin.href);
    if (cached !== undefined && cached.expiresAtMs > this.#now()) return cached.rules;
    const entry: Entry = {
      rules: this.#load(origin, signal).then((loaded) => {
        entry.expiresAtMs = this.#now() + loaded.ttlMs;
        return loaded.rules;
      }),
      expiresAtMs: Number.POSITIVE_INFINITY, // shared while the fetch is in flight
    };
    this.#entries.set(origin.href, entry);
    // An aborted fetch must not stick: the next asker fetches again.
    entry.rules.catch(() => this.#entries.delete(origin.href));
    return entry.rules;
  }
}
