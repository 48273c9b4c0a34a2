/**
 * Protocol of the crawler pool: a page of catalog products of the hosts one Worker owns in,
 * the results to merge (and what to try later) out. Each host belongs to exactly one Worker
 * (`host_routing.ts`), so its rate and concurrency limits hold for the whole pool. The catalog
 * rows the writer hands out and merges (`ProductToCrawl`, `CrawlResult`) are declared here too.
 */
import { isEmpty, isRecord, isStringArray } from "../actors/runtime/guards.ts";
import { type Guard, request } from "../actors/runtime/protocol.ts";

/** What configuration sets for the crawler (the `CRAWL_*` settings). */
export interface CrawlerSettings {
  readonly allowedHosts: readonly string[];
  readonly userAgent: string;
  /** Requests in flight over all hosts. */
  readonly concurrency: number;
  /** Requests in flight to one host. */
  readonly hostConcurrency: number;
  /** Requests started per second to one host. */
  readonly ratePerHost: number;
  readonly timeoutMs: number;
  readonly maxBytes: number;
  /** Tries per product in one attempt, the first included. */
  readonly maxTries: number;
}

/** A catalog product still to crawl. */
export interface ProductToCrawl {
  readonly productId: string;
  /** The page URL where the product was first seen. */
  readonly url: string;
  /** Crawl attempts so far. */
  readonly attempts: number;
}

/** The outcome of crawling one product page. */
export interface CrawlResult {
  readonly productId: string;
  readonly crawledAtMs: number;
  /** HTTP status, or null when no response arrived (timeout, DNS). */
  readonly httpStatus: number | null;
  /** The product name found, or null. */
  readonly productName: string | null;
  /** Whether the product is done (named, or 403/404); otherwise it stays uncrawled. */
  readonly done: boolean;
}

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
  /** Why, for a human ("HTTP 429 after 1 tries", "robots-disallowed"). */
  readonly reason: string;
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

const isNumber = (v: unknown): v is number => typeof v === "number" && Number.isFinite(v);

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
  (v.notBeforeMs === null || isNumber(v.notBeforeMs)) && typeof v.reason === "string";
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
