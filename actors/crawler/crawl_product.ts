/**
 * Crawls one product page: each URL (the first and every redirect hop) passes the allow-list,
 * robots.txt and the politeness gate before it is requested; 429, 5xx, timeouts and lost
 * connections are retried with backoff; a page too deep or slow to parse fails the product (not
 * the crawler); the answer becomes a `CrawlResult` or a skip.
 */

import { getLogger } from "../../observability/log.ts";
import type { AllowList } from "./allow_list.ts";
import { PageRejectedError, type ParseLimits } from "./bounded_parse.ts";
import { type FetchLimits, fetchOnce } from "./fetch_once.ts";
import type { HostGate } from "./host_gate.ts";
import { extractProduct, type ProductFacts } from "./page_extract.ts";
import {
  isRetryableStatus,
  parseRetryAfter,
  type RetryOptions,
  retryWaitMs,
} from "./retry_policy.ts";
import type { RobotsCache } from "./robots_cache.ts";
import type { CrawlCounters, CrawlResult, ProductToCrawl } from "../../messages/crawler.ts";

const log = getLogger("crawler");

/** What crawling a product needs. */
export interface ProductCrawlContext {
  readonly allowList: AllowList;
  readonly robots: RobotsCache;
  readonly gate: HostGate;
  readonly fetch: FetchLimits;
  readonly retry: RetryOptions;
  readonly maxRedirects: number;
  readonly nameSelectors: readonly string[];
  /** Bounds of parsing one page (depth, time). */
  readonly parseLimits: ParseLimits;
  readonly counters: CrawlCounters;
  /** Waits between tries (injected in tests to record the waits). */
  readonly wait: (ms: number, signal: AbortSignal) => Promise<void>;
  readonly random: () => number;
  /** Epoch ms. */
  readonly now: () => number;
}

/** Why a product was not requested at all. */
export type SkipReason = "off-allow-list" | "robots-disallowed" | "circuit-open";

/** The end of crawling one product. */
export type ProductOutcome =
  | {
    readonly kind: "crawled";
    /** To merge into the catalog; `done: false` means failed for now. */
    readonly result: CrawlResult;
    readonly facts: ProductFacts | undefined;
    readonly tries: number;
    readonly reason: string;
    /** Earliest next attempt the host asked for (Retry-After, open circuit). */
    readonly notBeforeMs: number | undefined;
  }
  | {
    readonly kind: "skipped";
    readonly reason: SkipReason;
    readonly retryAtMs: number | undefined;
  };

/** One try's end, redirects followed. */
type Try =
  | { kind: "skip"; reason: SkipReason; retryAtMs: number | undefined; requested: boolean }
  | { kind: "final"; status: number; body: string; reason: string | undefined }
  | { kind: "retryable"; status: number | null; reason: string; retryAfterMs: number | undefined };

/** Crawls `product`; rejects only when `signal` aborts. */
export async function crawlProduct(
  product: ProductToCrawl,
  ctx: ProductCrawlContext,
  signal: AbortSignal,
): Promise<ProductOutcome> {
  const result = (t: { status: number | null; name: string | null; done: boolean }) => ({
    productId: product.productId,
    crawledAtMs: ctx.now(),
    httpStatus: t.status,
    productName: t.name,
    done: t.done,
  });
  for (let tries = 1;; tries++) {
    const t = await tryOnce(product.url, ctx, signal);
    if (t.kind === "skip" && tries === 1 && !t.requested) {
      count(ctx.counters, t.reason);
      return { kind: "skipped", reason: t.reason, retryAtMs: t.retryAtMs };
    }
    if (t.kind === "final") {
      let facts: ProductFacts | undefined;
      try {
        facts = t.status >= 200 && t.status <= 299
          ? extractProduct(t.body, ctx.nameSelectors, ctx.parseLimits)
          : undefined;
      } catch (error) {
        if (!(error instanceof PageRejectedError)) throw error;
        // Failed for now, not crashed: a crash would repeat on this page after every restart.
        ctx.counters.rejected++;
        ctx.counters.failed++;
        const reason = `page rejected: ${error.message}`;
        log.warn("CrawlerPageRejected", { productId: product.productId, url: product.url, reason });
        return {
          kind: "crawled",
          result: result({ status: t.status, name: null, done: false }),
          facts: undefined,
          tries,
          reason,
          notBeforeMs: undefined,
        };
      }
      const name = facts?.name ?? null;
      if (name !== null) ctx.counters.named++;
      if (t.status === 404 || t.status === 410) ctx.counters.notFound++;
      if (t.status === 403) ctx.counters.forbidden++;
      const reason = t.reason ?? (name !== null ? "named" : `HTTP ${t.status}, no name found`);
      return {
        kind: "crawled",
        result: result({ status: t.status, name, done: true }),
        facts,
        tries,
        reason,
        notBeforeMs: undefined,
      };
    }
    const wait = t.kind === "retryable" ? t.retryAfterMs : undefined;
    const tooLong = wait !== undefined && wait > ctx.retry.maxRetryAfterMs;
    if (t.kind === "skip" || tries >= ctx.retry.maxTries || tooLong) {
      ctx.counters.failed++;
      const status = t.kind === "retryable" ? t.status : null;
      const why = t.kind === "retryable" ? t.reason : `host ${t.reason}`;
      return {
        kind: "crawled",
        result: result({ status, name: null, done: false }),
        facts: undefined,
        tries,
        reason: `${why} after ${tries} tries`,
        notBeforeMs: t.kind === "skip"
          ? t.retryAtMs
          : wait === undefined
          ? undefined
          : ctx.now() + wait,
      };
    }
    ctx.counters.retried++;
    await ctx.wait(retryWaitMs(tries + 1, ctx.retry, wait, ctx.random), signal);
  }
}

/** One try: requests the URL and follows redirects that stay allowed. */
async function tryOnce(start: string, ctx: ProductCrawlContext, signal: AbortSignal): Promise<Try> {
  let target = start;
  let redirectStatus = 0;
  for (let hop = 0;; hop++) {
    const url = ctx.allowList.check(target);
    if (url === undefined) {
      if (hop === 0) return skip("off-allow-list", undefined, false);
      ctx.counters.skippedOffAllowList++;
      return final(redirectStatus, `redirect off the allow-list to ${target}`);
    }
    if (!await ctx.robots.allows(url, signal)) {
      if (hop === 0) return skip("robots-disallowed", undefined, false);
      ctx.counters.robotsDisallowed++;
      return final(redirectStatus, `redirect to ${target}, which robots.txt disallows`);
    }
    const pass = await ctx.gate.enter(url.host, signal);
    if ("circuitOpen" in pass) return skip("circuit-open", pass.retryAtMs, hop > 0);
    let outcome;
    try {
      outcome = await fetchOnce(url, ctx.fetch, signal);
    } catch (error) {
      pass.end("abandoned");
      throw error;
    }
    const failed = outcome.kind === "timeout" || outcome.kind === "network" ||
      (outcome.kind === "response" && isRetryableStatus(outcome.status));
    pass.end(failed ? "failed" : "answered");
    if (outcome.kind === "timeout" || outcome.kind === "network") {
      const reason = outcome.kind === "timeout"
        ? `timeout after ${ctx.fetch.timeoutMs} ms`
        : `no connection: ${outcome.message}`;
      return { kind: "retryable", status: null, reason, retryAfterMs: undefined };
    }
    ctx.counters.fetched++;
    if (outcome.kind === "redirect") {
      if (hop >= ctx.maxRedirects) {
        return final(outcome.status, `more than ${ctx.maxRedirects} redirects`);
      }
      target = outcome.location;
      redirectStatus = outcome.status;
      continue;
    }
    ctx.counters.bytesReceived += outcome.receivedBytes;
    if (outcome.truncated) ctx.counters.truncated++;
    if (isRetryableStatus(outcome.status)) {
      const retryAfterMs = parseRetryAfter(outcome.retryAfter, ctx.now());
      return {
        kind: "retryable",
        status: outcome.status,
        reason: `HTTP ${outcome.status}`,
        retryAfterMs,
      };
    }
    return { kind: "final", status: outcome.status, body: outcome.body, reason: undefined };
  }
}

function skip(reason: SkipReason, retryAtMs: number | undefined, requested: boolean): Try {
  return { kind: "skip", reason, retryAtMs, requested };
}

function final(status: number, reason: string): Try {
  return { kind: "final", status, body: "", reason };
}

function count(counters: CrawlCounters, reason: SkipReason): void {
  if (reason === "off-allow-list") counters.skippedOffAllowList++;
  else if (reason === "robots-disallowed") counters.robotsDisallowed++;
  else counters.circuitOpen++;
}
