/**
 * The crawl loop: takes uncrawled products from the catalog in bounded pages, crawls each page
 * politely and merges the results in one call. Failed and skipped products wait in memory until
 * their next attempt is due (the schedule restarts with the process). `runOnce` crawls a number
 * of products; `start`/`stop` run until stopped, and stop aborts fetches in flight.
 */

import { AllowList } from "./allow_list.ts";
import { backoffMs } from "../runtime/backoff.ts";
import { zeroCounters } from "./crawl_counters.ts";
import { crawlProduct, type ProductCrawlContext, type ProductOutcome } from "./crawl_product.ts";
import {
  type CrawlerOptions,
  resolveCrawlerOptions,
  type ResolvedCrawlerOptions,
} from "./crawler_options.ts";
import { HostGate } from "./host_gate.ts";
import { RobotsCache } from "./robots_cache.ts";
import { robotsLoader } from "./robots_loader.ts";
import type { CrawlCounters, CrawlResult, ProductToCrawl } from "../../messages/crawler.ts";

/** The part of the warehouse the crawler uses. */
export interface CrawlCatalog {
  uncrawledProducts(limit: number): Promise<ProductToCrawl[]>;
  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number>;
}

/** One product's end, reported as it happens. */
export interface ProductReport {
  readonly product: ProductToCrawl;
  readonly outcome: ProductOutcome;
}

/** What `runOnce` did. */
export interface CrawlRunSummary {
  /** Products taken from the catalog and crawled or skipped. */
  readonly products: number;
  readonly counters: CrawlCounters;
  readonly seconds: number;
  /** Up to 10 products that failed or were skipped, with why. */
  readonly problems: readonly { productId: string; url: string; reason: string }[];
}

const MAX_PROBLEMS = 10;

/** Crawls catalog products; one instance per process. After `stop` it does not run again. */
export class Crawler {
  readonly #catalog: CrawlCatalog;
  readonly #options: ResolvedCrawlerOptions;
  readonly #context: ProductCrawlContext;
  readonly #counters = zeroCounters();
  /** Product id → epoch ms before which it is not taken again. */
  readonly #deferred = new Map<string, number>();
  readonly #stopping = new AbortController();
  readonly #running = new Set<Promise<unknown>>();

  constructor(catalog: CrawlCatalog, options: CrawlerOptions) {
    this.#catalog = catalog;
    const o = resolveCrawlerOptions(options);
    this.#options = o;
    const allowList = new AllowList(o.allowedHosts);
    const gate = new HostGate(o, o.now);
    const fetch = { userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes };
    const ttl = { ttlMs: o.robotsTtlMs, errorTtlMs: o.robotsErrorTtlMs };
    this.#context = {
      allowList,
      robots: new RobotsCache(robotsLoader(gate, allowList, fetch, ttl), o.now),
      gate,
      fetch,
      retry: o,
      maxRedirects: o.maxRedirects,
      nameSelectors: o.nameSelectors,
      parseLimits: o.parseLimits,
      counters: this.#counters,
      wait: o.wait,
      random: o.random,
      now: o.now,
    };
  }

  /** A snapshot of the running totals. */
  get counters(): Readonly<CrawlCounters> {
    return { ...this.#counters };
  }

  /** Crawls up to `limit` products once each (tries included), then resolves with a summary. */
  runOnce(
    options: { limit: number; onProduct?: (report: ProductReport) => void },
  ): Promise<CrawlRunSummary> {
    return this.#track(this.#runOnce(options.limit, options.onProduct));
  }

  /** Crawls until `stop`; resolves then, rejects if the catalog fails (let the actor crash). */
  start(onProduct?: (report: ProductReport) => void): Promise<void> {
    return this.#track(this.#loop(onProduct));
  }

  /** Aborts fetches in flight, lets finished results merge, and resolves when all runs ended. */
  async stop(): Promise<void> {
    this.#stopping.abort(new DOMException("crawler stopped", "AbortError"));
    await Promise.allSettled([...this.#running]);
  }

  #track<T>(run: Promise<T>): Promise<T> {
    this.#running.add(run);
    return run.finally(() => this.#running.delete(run));
  }

  async #runOnce(
    limit: number,
    onProduct: ((report: ProductReport) => void) | undefined,
  ): Promise<CrawlRunSummary> {
    const started = performance.now();
    const seen = new Set<string>();
    const problems: { productId: string; url: string; reason: string }[] = [];
    const signal = this.#stopping.signal;
    while (seen.size < limit && !signal.aborted) {
      const page = await this.#nextPage(Math.min(this.#options.pageSize, limit - seen.size), seen);
      if (page.length === 0) break;
      for (const p of page) seen.add(p.productId);
      await this.#crawlPage(page, (report) => {
        const o = report.outcome;
        const problem = o.kind === "skipped" || !o.result.done;
        if (problem && problems.length < MAX_PROBLEMS) {
          const { productId, url } = report.product;
          problems.push({ productId, url, reason: o.reason });
        }
        onProduct?.(report);
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return { products: seen.size, counters: this.counters, seconds, problems };
  }

  async #loop(onProduct: ((report: ProductReport) => void) | undefined): Promise<void> {
    const signal = this.#stopping.signal;
    while (!signal.aborted) {
      const page = await this.#nextPage(this.#options.pageSize, new Set());
      if (page.length > 0) {
        await this.#crawlPage(page, onProduct);
        continue;
      }
      try {
        await this.#options.wait(this.#options.idlePollMs, signal);
      } catch (error) {
        if (signal.aborted) return; // stopped while idle
        throw error;
      }
    }
  }

  /** Up to `size` uncrawled products that are neither in `exclude` nor deferred. */
  async #nextPage(size: number, exclude: ReadonlySet<string>): Promise<ProductToCrawl[]> {
    const now = this.#options.now();
    for (const [id, due] of this.#deferred) if (due <= now) this.#deferred.delete(id);
    // Asking for as many more as can be excluded yields `size` eligible ones if the catalog has them.
    const asked = size + exclude.size + this.#deferred.size;
    const products = await this.#catalog.uncrawledProducts(asked);
    return products.filter((p) => !exclude.has(p.productId) && !this.#deferred.has(p.productId))
      .slice(0, size);
  }

  async #crawlPage(
    page: readonly ProductToCrawl[],
    onProduct: ((report: ProductReport) => void) | undefined,
  ): Promise<void> {
    const signal = this.#stopping.signal;
    // allSettled, not all: every product task ends before this page does, even on a failure.
    const settled = await Promise.allSettled(page.map(async (product) => {
      let outcome: ProductOutcome;
      try {
        outcome = await crawlProduct(product, this.#context, signal);
      } catch (error) {
        if (signal.aborted) return undefined; // stopped mid-crawl: no result, not deferred
        throw error;
      }
      this.#schedule(product, outcome);
      onProduct?.({ product, outcome });
      return outcome;
    }));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    const results = settled.flatMap((s) =>
      s.status === "fulfilled" && s.value?.kind === "crawled" ? [s.value.result] : []
    );
    if (results.length > 0) this.#counters.merged += await this.#catalog.mergeCrawlResults(results);
  }

  /** Defers a failed or skipped product until its next attempt is due. */
  #schedule(product: ProductToCrawl, outcome: ProductOutcome): void {
    const o = this.#options;
    const now = o.now();
    let due: number | undefined;
    if (outcome.kind === "skipped") {
      due = outcome.retryAtMs ?? now + o.skipDelayMs;
    } else if (!outcome.result.done) {
      const backoff = backoffMs(
        { initialDelayMs: o.failureDelayMs, maxDelayMs: o.maxFailureDelayMs },
        product.attempts + 1,
      );
      due = Math.max(now + backoff, outcome.notBeforeMs ?? 0);
    }
    if (due !== undefined) this.#deferred.set(product.productId, due);
  }
}
