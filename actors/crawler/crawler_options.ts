/**
 * The crawler's options: the configured settings (hosts, identity, limits) and tuning with
 * commented defaults. Tests shrink the delays; the clock, random source and retry wait are
 * injectable so that retries are observed without sleeping.
 */

import type { CrawlerSettings, CrawlerTuning } from "../../messages/crawler.ts";
import { abortableSleep } from "./abortable_sleep.ts";
import { PAGE_PARSE_LIMITS, type ParseLimits } from "./bounded_parse.ts";
import { DEFAULT_NAME_SELECTORS } from "./page_extract.ts";

/** Settings plus optional tuning. */
export interface CrawlerOptions extends CrawlerSettings, CrawlerTuning {
  readonly nameSelectors?: readonly string[];
  readonly parseLimits?: ParseLimits;
  readonly pageSize?: number;
  readonly idlePollMs?: number;
  readonly failureDelayMs?: number;
  readonly maxFailureDelayMs?: number;
  readonly skipDelayMs?: number;
  readonly wait?: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random?: () => number;
  readonly now?: () => number;
}

/** Options with every default filled in. */
export type ResolvedCrawlerOptions = Required<CrawlerOptions>;

/** Fills in the defaults; `RangeError` for a limit that cannot work. */
export function resolveCrawlerOptions(options: CrawlerOptions): ResolvedCrawlerOptions {
  for (
    const key of ["concurrency", "hostConcurrency", "maxTries", "timeoutMs", "maxBytes"] as const
  ) {
    if (!Number.isSafeInteger(options[key]) || options[key] < 1) {
      throw new RangeError(
        `Cannot crawl with ${key} ${options[key]}: use a whole number of 1 or more`,
      );
    }
  }
  return {
    burst: 1, // strictly paced: at most one request per 1/rate seconds to a host
    baseDelayMs: 1_000, // first retry after 0.5–1 s, then 1–2 s, 2–4 s, ...
    maxDelayMs: 30_000,
    maxRetryAfterMs: 120_000, // a longer Retry-After defers the product instead of holding a slot
    breakerThreshold: 5, // consecutive failures of one host
    breakerCooldownMs: 60_000,
    robotsTtlMs: 3_600_000,
    robotsErrorTtlMs: 300_000,
    maxRedirects: 5,
    nameSelectors: DEFAULT_NAME_SELECTORS,
    parseLimits: PAGE_PARSE_LIMITS, // nesting 256 deep, 2 s to parse and search a page
    pageSize: 50, // products taken from the catalog at a time (bounds memory and the merge)
    idlePollMs: 5_000, // how often an idle crawler asks the catalog for new products
    failureDelayMs: 300_000, // a failed product waits 5 min × 2^attempts ...
    maxFailureDelayMs: 21_600_000, // ... up to 6 h
    skipDelayMs: 3_600_000, // a product skipped (off-list, robots) is looked at again after 1 h
    wait: abortableSleep,
    random: Math.random,
    now: Date.now,
    ...options,
  };
}
