/**
 * The crawler's running totals, for metrics and the one-shot summary. Plain numbers that only
 * grow; each names one outcome so that a dashboard can tell politeness skips from failures.
 */
import type { CrawlCounters } from "../../messages/crawler.ts";

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

/** Adds `counters` into `into`, key by key. */
export function addCounters(into: CrawlCounters, counters: Readonly<CrawlCounters>): void {
  for (const key of Object.keys(into) as (keyof CrawlCounters)[]) into[key] += counters[key];
}
