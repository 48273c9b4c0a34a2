/**
 * The crawl loop, written once for the crawler pool and the one-shot crawl: takes uncrawled
 * products from the catalog in bounded pages, has each page crawled (by the Workers that own its
 * hosts, or in this thread), follows redirects handed to another crawler, merges the results in
 * one call, and keeps failed and skipped products out of the next pages until their next attempt
 * is due (5 minutes × 2^attempts up to 6 hours by default; the schedule restarts with the process).
 */
import type {
  CrawlCounters,
  CrawlLater,
  CrawlReply,
  CrawlResult,
  ProductToCrawl,
} from "../../messages/crawler.ts";
import { backoffMs } from "../runtime/backoff.ts";
import { addCounters, zeroCounters } from "./crawl_counters.ts";
import type { ResolvedCrawlerOptions } from "./crawler_options.ts";

/** The part of the warehouse the crawler uses. */
export interface CrawlCatalog {
  uncrawledProducts(limit: number): Promise<ProductToCrawl[]>;
  mergeCrawlResults(results: readonly CrawlResult[]): Promise<number>;
}

/** Crawls one page of products; undefined when the crawl was stopped first (nothing to merge). */
export type CrawlPage = (products: readonly ProductToCrawl[]) => Promise<CrawlReply | undefined>;

/** The loop's schedule (defaults in `crawler_options.ts`). */
export type LoopOptions = Pick<
  ResolvedCrawlerOptions,
  | "pageSize"
  | "idlePollMs"
  | "failureDelayMs"
  | "maxFailureDelayMs"
  | "skipDelayMs"
  | "now"
  | "wait"
>;

/** A product that failed or was skipped, with why. */
export interface CrawlProblem {
  readonly productId: string;
  readonly url: string;
  readonly reason: string;
}

/** What `runOnce` did. */
export interface CrawlRunSummary {
  /** Products taken from the catalog and crawled or skipped. */
  readonly products: number;
  readonly counters: CrawlCounters;
  readonly seconds: number;
  /** Up to 10 products that failed or were skipped, with why. */
  readonly problems: readonly CrawlProblem[];
}

/** Redirects to another crawler's host followed per product and page before it is deferred. */
const MAX_HANDOFFS = 5;
const MAX_PROBLEMS = 10;

/** Pages products from the catalog to `crawlPage` until `signal` aborts. */
export class CrawlLoop {
  /** What the crawls did, merges included. */
  readonly counters = zeroCounters();
  /** Product id → epoch ms before which it is not taken again. */
  readonly #deferred = new Map<string, number>();

  constructor(
    private readonly catalog: CrawlCatalog,
    private readonly crawlPage: CrawlPage,
    private readonly o: LoopOptions,
    private readonly signal: AbortSignal,
  ) {}

  /** Crawls until `signal` aborts; rejects if the catalog or a crawl fails. */
  async run(): Promise<void> {
    while (!this.signal.aborted) {
      const page = await this.#nextPage(this.o.pageSize, new Set());
      if (page.length > 0) {
        await this.#crawl(page, []);
        continue;
      }
      try {
        await this.o.wait(this.o.idlePollMs, this.signal);
      } catch (error) {
        if (this.signal.aborted) return; // stopped while idle
        throw error;
      }
    }
  }

  /** Crawls up to `limit` products once each (tries included), then resolves with a summary. */
  async runOnce(limit: number): Promise<CrawlRunSummary> {
    const started = performance.now();
    const seen = new Set<string>();
    const problems: CrawlProblem[] = [];
    while (seen.size < limit && !this.signal.aborted) {
      const page = await this.#nextPage(Math.min(this.o.pageSize, limit - seen.size), seen);
      if (page.length === 0) break;
      for (const p of page) seen.add(p.productId);
      await this.#crawl(page, problems);
    }
    const seconds = (performance.now() - started) / 1000;
    return { products: seen.size, counters: { ...this.counters }, seconds, problems };
  }

  /** Up to `size` uncrawled products that are neither in `exclude` nor deferred. */
  async #nextPage(size: number, exclude: ReadonlySet<string>): Promise<ProductToCrawl[]> {
    const now = this.o.now();
    for (const [id, due] of this.#deferred) if (due <= now) this.#deferred.delete(id);
    // Asking for as many more as can be excluded yields `size` eligible ones if the catalog has them.
    const asked = size + exclude.size + this.#deferred.size;
    const products = await this.catalog.uncrawledProducts(asked);
    return products.filter((p) => !exclude.has(p.productId) && !this.#deferred.has(p.productId))
      .slice(0, size);
  }

  /** Crawls a page (and the redirects handed back), merges, defers what is not done. */
  async #crawl(page: readonly ProductToCrawl[], problems: CrawlProblem[]): Promise<void> {
    let todo = page;
    for (let round = 0; todo.length > 0 && !this.signal.aborted; round++) {
      if (round > MAX_HANDOFFS) {
        for (const p of todo) {
          this.#defer(p, { skipped: true, notBeforeMs: null, reason: "too many redirects" });
        }
        return;
      }
      const reply = await this.crawlPage(todo);
      if (reply === undefined) return; // stopped: its products stay uncrawled
      addCounters(this.counters, reply.counters);
      const byId = new Map(todo.map((p) => [p.productId, p]));
      for (const later of reply.later) {
        const product = byId.get(later.productId);
        if (product === undefined) continue;
        this.#defer(product, later);
        if (problems.length < MAX_PROBLEMS) {
          problems.push({ productId: product.productId, url: product.url, reason: later.reason });
        }
      }
      if (reply.results.length > 0) {
        this.counters.merged += await this.catalog.mergeCrawlResults(reply.results);
      }
      todo = reply.handoffs.map((h) => h.product);
    }
  }

  /** Defers a failed or skipped product until its next attempt is due. */
  #defer(product: ProductToCrawl, later: Omit<CrawlLater, "productId">): void {
    const o = this.o;
    const now = o.now();
    const backoff = backoffMs(
      { initialDelayMs: o.failureDelayMs, maxDelayMs: o.maxFailureDelayMs },
      product.attempts + 1,
    );
    const due = later.skipped
      ? later.notBeforeMs ?? now + o.skipDelayMs
      : Math.max(now + backoff, later.notBeforeMs ?? 0);
    this.#deferred.set(product.productId, due);
  }
}
