/**
 * The crawler's running totals, for metrics and the one-shot summary. Plain numbers that only
 * grow; each names one outcome so that a dashboard can tell politeness skips from failures.
 */

/** Totals since the crawler was created. */
export interface CrawlCounters {
  /** Product page requests that got an HTTP answer (each try counts). */
  fetched: number;
  /** Products named. */
  named: number;
  /** Products answered 404 or 410: crawled, no name. */
  notFound: number;
  /** Products answered 403: crawled, no name. */
  forbidden: number;
  /** Tries repeated after a 429, 5xx, timeout or lost connection. */
  retried: number;
  /** Products given up on for now after their tries; tried again on a schedule. */
  failed: number;
  /** Products (or redirect hops) not requested: not http(s) or host off the allow-list. */
  skippedOffAllowList: number;
  /** Products not requested because robots.txt disallows them (or could not be read). */
  robotsDisallowed: number;
  /** Products not requested because their host's circuit was open. */
  circuitOpen: number;
  /** Bodies cut at the byte cap. */
  truncated: number;
  /** Pages refused as too deep or too slow to parse (their products failed, tried later). */
  rejected: number;
  /** Bytes received from the shops for product pages (heads and bodies, as sent). */
  bytesReceived: number;
  /** Products updated in the catalog. */
  merged: number;
}

/** All counters at zero. */
export function zeroCounters(): CrawlCounters {
  return {
    fetched: 0,
    named: 0,
    notFound: 0,
    forbidden: 0,
    retried: 0,
    failed: 0,
    skippedOffAllowList: 0,
    robotsDisallowed: 0,
    circuitOpen: 0,
    truncated: 0,
    rejected: 0,
    bytesReceived: 0,
    merged: 0,
  };
}
