/**
 * The crawler in one thread, for the one-shot `deno task crawl` and the crawler's own tests: the
 * shared crawl loop (`crawl_loop.ts`) over one page crawler that owns every allowed host.
 * `runOnce` crawls a number of products; `start`/`stop` run until stopped, and stop aborts the
 * fetches in flight. The pipeline runs the same loop over a pool of Workers (`crawler_pool.ts`).
 */
import type { CrawlCounters, ProductToCrawl } from "../../messages/crawler.ts";
import { addCounters, zeroCounters } from "./crawl_counters.ts";
import { type CrawlCatalog, CrawlLoop, type CrawlRunSummary } from "./crawl_loop.ts";
import { type CrawlerOptions, resolveCrawlerOptions } from "./crawler_options.ts";
import { PageCrawler, type ProductReport } from "./page_crawler.ts";

export type { CrawlCatalog, CrawlRunSummary } from "./crawl_loop.ts";
export type { ProductReport } from "./page_crawler.ts";

/** Crawls catalog products; one instance per process. After `stop` it does not run again. */
export class Crawler {
  readonly #pages: PageCrawler;
  readonly #loop: CrawlLoop;
  readonly #stopping = new AbortController();
  readonly #running = new Set<Promise<unknown>>();
  /** Counted into while a page is being crawled, then added to the loop's totals. */
  #current: CrawlCounters | undefined;
  #onProduct: ((report: ProductReport) => void) | undefined;

  constructor(catalog: CrawlCatalog, options: CrawlerOptions) {
    const o = resolveCrawlerOptions(options);
    this.#pages = new PageCrawler({
      settings: o,
      tuning: o,
      workers: 1,
      member: 0,
      concurrency: o.concurrency,
      hooks: { wait: o.wait, random: o.random, now: o.now },
    });
    const crawlPage = async (products: readonly ProductToCrawl[]) => {
      this.#current = zeroCounters();
      try {
        return await this.#pages.crawl(products, {
          counters: this.#current,
          ...(this.#onProduct === undefined ? {} : { onProduct: this.#onProduct }),
        });
      } finally {
        this.#current = undefined;
      }
    };
    this.#loop = new CrawlLoop(catalog, crawlPage, o, this.#stopping.signal);
  }

  /** A snapshot of the running totals. */
  get counters(): Readonly<CrawlCounters> {
    const totals = { ...this.#loop.counters };
    if (this.#current !== undefined) addCounters(totals, this.#current);
    return totals;
  }

  /** Crawls up to `limit` products once each (tries included), then resolves with a summary. */
  runOnce(
    options: { limit: number; onProduct?: (report: ProductReport) => void },
  ): Promise<CrawlRunSummary> {
    this.#onProduct = options.onProduct;
    return this.#track(this.#loop.runOnce(options.limit));
  }

  /** Crawls until `stop`; resolves then, rejects if the catalog fails (let the actor crash). */
  start(onProduct?: (report: ProductReport) => void): Promise<void> {
    this.#onProduct = onProduct;
    return this.#track(this.#loop.run());
  }

  /** Aborts fetches in flight, lets finished results merge, and resolves when all runs ended. */
  async stop(): Promise<void> {
    this.#stopping.abort(new DOMException("crawler stopped", "AbortError"));
    this.#pages.stop();
    await Promise.allSettled([...this.#running]);
  }

  #track<T>(run: Promise<T>): Promise<T> {
    this.#running.add(run);
    return run.finally(() => this.#running.delete(run));
  }
}
