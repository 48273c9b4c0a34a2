/**
 * Protocol of the crawler pool: a page of catalog products of the hosts one Worker owns in,
 * the results to merge (and what to try later) out. Each host belongs to exactly one Worker
 * (`hostOwner`), so its rate and concurrency limits hold for the whole pool.
 */
import type { CrawlCounters } from "../actors/crawler/crawl_counters.ts";
import type { CrawlerSettings } from "../actors/crawler/crawler_options.ts";
import { type Guard, request } from "../actors/runtime/protocol.ts";
import type { CrawlResult, ProductToCrawl } from "../actors/writer/warehouse.ts";
import { isEmpty, isRecord } from "./guards.ts";

/** Tuning a Worker may be started with (tests shrink the delays); plain numbers only. */
export interface CrawlerTuning {
  readonly burst?: number;
  readonly baseDelayMs?: number;
  readonly maxDelayMs?: number;
  readonly maxRetryAfterMs?: number;
  readonly breakerThreshold?: number;
  readonly breakerCooldownMs?: number;
  readonly robotsTtlMs?: number;
  readonly robotsErrorTtlMs?: number;
  readonly maxRedirects?: number;
}

/** Init arguments of one crawler Worker. */
export interface CrawlerArgs {
  /** The configured settings; `allowedHosts` are the ones this process may reach. */
  readonly settings: CrawlerSettings;
  /** Workers in the pool and this one's index: it requests only the hosts it owns. */
  readonly workers: number;
  readonly member: number;
  /** This Worker's share of `settings.concurrency` (the shares add up to it). */
  readonly concurrency: number;
  readonly tuning: CrawlerTuning;
}

/** A product that is not done: retried by the pool loop after its schedule. */
export interface CrawlLater {
  readonly productId: string;
  /** Skipped without a request (circuit open, robots) rather than failed after tries. */
  readonly skipped: boolean;
  /** Earliest next attempt the host asked for (Retry-After, open circuit), epoch ms. */
  readonly notBeforeMs: number | null;
}

/** A product whose page redirected to a host another Worker owns: crawl `url` there. */
export interface CrawlHandoff {
  readonly product: ProductToCrawl;
}

/** The answer to `crawler.crawl`. */
export interface CrawlReply {
  /** Outcomes to merge into the catalog (done, or failed for now). */
  readonly results: CrawlResult[];
  readonly later: CrawlLater[];
  readonly handoffs: CrawlHandoff[];
  /** What this crawl did (not running totals). */
  readonly counters: CrawlCounters;
}

/** The routing key of a URL: its host (with a non-default port); "" when it is no URL. */
export function routeKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch (error) {
    if (error instanceof TypeError) return ""; // never requested: any Worker may skip it
    throw error;
  }
}

/** The Worker owning `host` (FNV-1a of the host, modulo the pool size). */
export function hostOwner(host: string, workers: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    hash = Math.imul(hash ^ host.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash % workers;
}

/** Worker `member`'s share of `total` (shares differ by at most one and add up to `total`). */
export function concurrencyShare(total: number, workers: number, member: number): number {
  return Math.floor(total / workers) + (member < total % workers ? 1 : 0);
}

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);
const isStringArray = (v: unknown): v is string[] =>
  Array.isArray(v) && v.every((s) => typeof s === "string");

/** Checks a product to crawl. */
export const isProductToCrawl: Guard<ProductToCrawl> = (v): v is ProductToCrawl =>
  isRecord(v) && typeof v.productId === "string" && typeof v.url === "string" &&
  isNumber(v.attempts);

/** Checks a crawl result. */
export const isCrawlResult: Guard<CrawlResult> = (v): v is CrawlResult =>
  isRecord(v) && typeof v.productId === "string" && isNumber(v.crawledAtMs) &&
  (v.httpStatus === null || isNumber(v.httpStatus)) &&
  (v.productName === null || typeof v.productName === "string") && typeof v.done === "boolean";

const COUNTER_KEYS = [
  "fetched",
  "named",
  "notFound",
  "forbidden",
  "retried",
  "failed",
  "skippedOffAllowList",
  "robotsDisallowed",
  "circuitOpen",
  "truncated",
  "rejected",
  "bytesReceived",
  "merged",
] as const satisfies readonly (keyof CrawlCounters)[];

/** Checks crawl counters. */
export const isCrawlCounters: Guard<CrawlCounters> = (v): v is CrawlCounters =>
  isRecord(v) && COUNTER_KEYS.every((k) => isNumber(v[k]));

const isLater = (v: unknown): v is CrawlLater =>
  isRecord(v) && typeof v.productId === "string" && typeof v.skipped === "boolean" &&
  (v.notBeforeMs === null || isNumber(v.notBeforeMs));
const isHandoff = (v: unknown): v is CrawlHandoff => isRecord(v) && isProductToCrawl(v.product);

const isCrawlPage = (v: unknown): v is { products: ProductToCrawl[] } =>
  isRecord(v) && Array.isArray(v.products) && v.products.every(isProductToCrawl);
const isCrawlReply = (v: unknown): v is CrawlReply =>
  isRecord(v) && Array.isArray(v.results) && v.results.every(isCrawlResult) &&
  Array.isArray(v.later) && v.later.every(isLater) && Array.isArray(v.handoffs) &&
  v.handoffs.every(isHandoff) && isCrawlCounters(v.counters);

const isSettings = (v: unknown): v is CrawlerSettings =>
  isRecord(v) && isStringArray(v.allowedHosts) && typeof v.userAgent === "string" &&
  isNumber(v.concurrency) && isNumber(v.hostConcurrency) && isNumber(v.ratePerHost) &&
  isNumber(v.timeoutMs) && isNumber(v.maxBytes) && isNumber(v.maxTries);
const isTuning = (v: unknown): v is CrawlerTuning =>
  isRecord(v) && Object.values(v).every(isNumber);

/** Checks crawler init arguments. */
export const isCrawlerArgs: Guard<CrawlerArgs> = (v): v is CrawlerArgs =>
  isRecord(v) && isSettings(v.settings) && isNumber(v.workers) && v.workers >= 1 &&
  isNumber(v.member) && isNumber(v.concurrency) && isTuning(v.tuning);

/** What a crawler Worker accepts (it emits nothing: replies carry its results). */
export const CRAWLER_PROTOCOL = {
  name: "crawler",
  accepts: {
    /** Crawl these products (all of hosts this Worker owns); replies when each has ended. */
    "crawler.crawl": request(isCrawlPage, isCrawlReply),
    /** This Worker's running totals. */
    "crawler.counters": request(isEmpty, isCrawlCounters),
  },
  emits: {},
} as const;
