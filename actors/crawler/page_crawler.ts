/**
 * Crawls one page of catalog products for the hosts one crawler owns: each product through the
 * per-product crawl (allow-list, robots.txt, host gate, retries), all of a page at once. It answers
 * with the results to merge, the products to try later (with why), and redirects to hosts another
 * crawler owns (handed back, never requested here). A crawler Worker runs one (`crawler.crawl`),
 * and so does the one-shot crawl in its own thread; the loop around it is `crawl_loop.ts`.
 */
import type {
  CrawlCounters,
  CrawlerSettings,
  CrawlerTuning,
  CrawlHandoff,
  CrawlLater,
  CrawlReply,
  CrawlResult,
  ProductToCrawl,
} from "../../messages/crawler.ts";
import { AllowList } from "./allow_list.ts";
import { zeroCounters } from "./crawl_counters.ts";
import { crawlProduct, type ProductCrawlContext, type ProductOutcome } from "./crawl_product.ts";
import { type CrawlerOptions, resolveCrawlerOptions } from "./crawler_options.ts";
import { HostGate } from "./host_gate.ts";
import { hostOwner } from "./host_routing.ts";
import { RobotsCache } from "./robots_cache.ts";
import { robotsLoader } from "./robots_loader.ts";

/** Injected in tests: the retry wait, random source and clock. */
export type CrawlerHooks = Pick<CrawlerOptions, "wait" | "random" | "now">;

/** What a page crawler is made of. */
export interface PageCrawlerOptions {
  readonly settings: CrawlerSettings;
  readonly tuning: CrawlerTuning & Pick<CrawlerOptions, "nameSelectors" | "parseLimits">;
  /** Crawlers sharing the hosts, and this one's index: it requests only the hosts it owns. */
  readonly workers: number;
  readonly member: number;
  /** This crawler's share of `settings.concurrency`. */
  readonly concurrency: number;
  readonly hooks?: CrawlerHooks;
}

/** One product's end, reported as it happens. */
export interface ProductReport {
  readonly product: ProductToCrawl;
  readonly outcome: ProductOutcome;
}

/** How one `crawl` is watched. */
export interface CrawlWatch {
  /** Counted into as products progress (default: a fresh set, returned in the reply). */
  readonly counters?: CrawlCounters;
  readonly onProduct?: (report: ProductReport) => void;
}

/**
 * The allow-list narrowed to the hosts this crawler owns; a URL allowed but owned by another
 * crawler is refused here and remembered, so that the pool can crawl it there.
 */
class OwnedAllowList extends AllowList {
  readonly #owns: (host: string) => boolean;
  /** The last allowed URL refused because another crawler owns its host. */
  elsewhere: string | undefined;

  constructor(entries: readonly string[], owns: (host: string) => boolean) {
    super(entries);
    this.#owns = owns;
  }

  override check(url: string | URL): URL | undefined {
    const allowed = super.check(url);
    if (allowed === undefined || this.#owns(allowed.host)) return allowed;
    this.elsewhere = allowed.href;
    return undefined;
  }
}

/** Crawls pages of products; `stop` aborts the fetches in flight. */
export class PageCrawler {
  readonly #hosts: readonly string[];
  readonly #owns: (host: string) => boolean;
  readonly #base: Omit<ProductCrawlContext, "allowList" | "counters">;
  readonly #stopping = new AbortController();

  constructor(options: PageCrawlerOptions) {
    const o = resolveCrawlerOptions({
      ...options.settings,
      ...options.tuning,
      concurrency: options.concurrency,
      ...options.hooks,
    });
    this.#owns = (host) => hostOwner(host, options.workers) === options.member;
    this.#hosts = o.allowedHosts;
    const gate = new HostGate(o, o.now);
    const fetch = { userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes };
    const ttl = { ttlMs: o.robotsTtlMs, errorTtlMs: o.robotsErrorTtlMs };
    const robotsList = new OwnedAllowList(this.#hosts, this.#owns);
    this.#base = {
      robots: new RobotsCache(robotsLoader(gate, robotsList, fetch, ttl), o.now),
      gate,
      fetch,
      retry: o,
      maxRedirects: o.maxRedirects,
      nameSelectors: o.nameSelectors,
      parseLimits: o.parseLimits,
      wait: o.wait,
      random: o.random,
      now: o.now,
    };
  }

  /**
   * Crawls `products` (all of hosts this crawler owns) until each has ended; a product cut short
   * by `stop` contributes nothing (not merged, not deferred). Rejects with the first failure that
   * is not a stop, after every product ended.
   */
  async crawl(products: readonly ProductToCrawl[], watch: CrawlWatch = {}): Promise<CrawlReply> {
    const counters = watch.counters ?? zeroCounters();
    const signal = this.#stopping.signal;
    const results: CrawlResult[] = [];
    const later: CrawlLater[] = [];
    const handoffs: CrawlHandoff[] = [];
    // allSettled, not all: every product ends before the reply, even when one fails.
    const settled = await Promise.allSettled(products.map(async (product) => {
      const allowList = new OwnedAllowList(this.#hosts, this.#owns);
      let outcome: ProductOutcome;
      try {
        outcome = await crawlProduct(product, { ...this.#base, allowList, counters }, signal);
      } catch (error) {
        if (signal.aborted) return; // stopped mid-crawl: no result, not deferred
        throw error;
      }
      const { productId } = product;
      const elsewhere = allowList.elsewhere;
      const handedOff = elsewhere !== undefined &&
        (outcome.kind === "skipped"
          ? outcome.reason === "off-allow-list"
          : outcome.result.done && outcome.reason.startsWith("redirect off the allow-list"));
      if (handedOff) {
        counters.skippedOffAllowList--; // not off the list: the host of another crawler
        handoffs.push({ product: { ...product, url: elsewhere } });
        return;
      }
      watch.onProduct?.({ product, outcome });
      if (outcome.kind === "skipped") {
        later.push({
          productId,
          skipped: true,
          notBeforeMs: outcome.retryAtMs ?? null,
          reason: outcome.reason,
        });
        return;
      }
      results.push(outcome.result);
      if (outcome.result.done) return;
      later.push({
        productId,
        skipped: false,
        notBeforeMs: outcome.notBeforeMs ?? null,
        reason: outcome.reason,
      });
    }));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    return { results, later, handoffs, counters };
  }

  /** Aborts the fetches in flight. */
  stop(): void {
    this.#stopping.abort(new DOMException("crawler stopped", "AbortError"));
  }
}
