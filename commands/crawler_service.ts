/**
 * Runs the product crawler beside ingestion as a pool of Workers: takes catalog pages through
 * the writer (the warehouse's one connection), sends each product to the Worker that owns its
 * host (so a host's rate and concurrency limits hold for the whole pool), merges the results and
 * defers failures as the one-thread crawler did. `start` has checked that this process may reach
 * every allowed host (the tasks grant them from CRAWL_ALLOWED_HOSTS).
 */
import { abortableSleep } from "../actors/crawler/abortable_sleep.ts";
import { zeroCounters } from "../actors/crawler/crawl_counters.ts";
import type { CrawlCatalog } from "../actors/crawler/crawler.ts";
import {
  type CrawlerOptions,
  resolveCrawlerOptions,
  type ResolvedCrawlerOptions,
} from "../actors/crawler/crawler_options.ts";
import type { Pipeline } from "../actors/pipeline/pipeline.ts";
import { ActorPool } from "../actors/runtime/actor_pool.ts";
import type { ActorSnapshot } from "../actors/runtime/snapshot.ts";
import { workerModuleUrl } from "../actors/worker_modules.ts";
import type { Config } from "../config/config.ts";
import {
  type CrawlCounters,
  CRAWLER_PROTOCOL,
  type CrawlerSettings,
  type CrawlerTuning,
  type CrawlReply,
  type ProductToCrawl,
} from "../messages/crawler.ts";
import { getLogger } from "../observability/log.ts";
import { backoffMs } from "../actors/runtime/backoff.ts";
import { concurrencyShare, hostOwner, routeKey } from "../actors/crawler/host_routing.ts";

const log = getLogger("crawler");
const MODULE = workerModuleUrl("crawler");
/** Redirects to another Worker's host followed per product and page before it is deferred. */
const MAX_HANDOFFS = 5;
/** A crawl in flight at stop gets this long, then its Worker is ended (nothing is merged). */
const STOP_GRACE_MS = 1_000;
/** Catalog reads and merges through the writer. */
const CATALOG_TIMEOUT_MS = 60_000;

type Crawlers = ActorPool<typeof CRAWLER_PROTOCOL.accepts, typeof CRAWLER_PROTOCOL.emits>;

/** A running crawler pool; `stop` ends the loop and the Workers promptly. */
export interface CrawlerService {
  stop(): Promise<void>;
  /** Totals over the pool since it started, merges included. */
  readonly counters: Readonly<CrawlCounters>;
  /** One snapshot per Worker (`crawler#<n>`). */
  snapshots(): ActorSnapshot[];
}

/** How the pool runs: its size, Worker tuning, and the loop's schedule (tests shrink them). */
export interface CrawlerPoolOptions extends
  Pick<
    CrawlerOptions,
    "pageSize" | "idlePollMs" | "failureDelayMs" | "maxFailureDelayMs" | "skipDelayMs" | "now"
  > {
  readonly workers: number;
  readonly tuning?: CrawlerTuning;
}

/** Starts the crawler pool for the configured allowed hosts. */
export async function startCrawler(
  pipeline: Pipeline,
  { enabled: _, workers, ...settings }: Config["crawl"],
): Promise<CrawlerService> {
  const catalog: CrawlCatalog = {
    uncrawledProducts: async (limit) =>
      (await pipeline.writer.ask("writer.uncrawled", { limit }, CATALOG_TIMEOUT_MS)).products,
    mergeCrawlResults: async (results) =>
      (await pipeline.writer.ask(
        "writer.mergeCrawl",
        { results: [...results] },
        CATALOG_TIMEOUT_MS,
      ))
        .updated,
  };
  return await startCrawlerPool(catalog, settings, { workers });
}

/**
 * Starts `options.workers` crawler Workers (fewer when there are fewer hosts or concurrency
 * slots) and the loop feeding them from `catalog`; resolves once every Worker is ready.
 */
export async function startCrawlerPool(
  catalog: CrawlCatalog,
  settings: CrawlerSettings,
  options: CrawlerPoolOptions,
): Promise<CrawlerService> {
  const { workers: wanted, tuning = {}, ...schedule } = options;
  const o = resolveCrawlerOptions({ ...settings, ...tuning, ...schedule });
  const workers = Math.max(1, Math.min(wanted, o.concurrency, settings.allowedHosts.length));
  const stopping = new AbortController();
  // One single-Worker pool per host share: the runtime dispatches to the least-loaded member,
  // and a host must always reach the same Worker.
  const pools: Crawlers[] = Array.from({ length: workers }, (_, member) =>
    new ActorPool({
      name: `crawler#${member}`,
      module: MODULE,
      protocol: CRAWLER_PROTOCOL,
      capacity: 1,
      // A page that keeps crashing a crawler is given up; the product is asked for again later.
      onFailure: { kind: "drop", after: 3 },
      args: {
        settings,
        workers,
        member,
        concurrency: concurrencyShare(o.concurrency, workers, member),
        tuning,
      },
    }));
  for (const pool of pools) {
    pool.onEscalate = (error) => {
      log.error("CrawlerWorkerFailed", { error, hint: "ingestion goes on; crawling stops" });
      stopping.abort(error);
    };
  }
  try {
    await Promise.all(pools.map((pool) => pool.start()));
  } catch (error) {
    await Promise.all(pools.map((pool) => pool.stop(0)));
    throw error;
  }
  const loop = new CrawlLoop(catalog, pools, o, stopping.signal);
  const running = loop.run().catch((error: unknown) => {
    if (stopping.signal.aborted) return;
    log.error("CrawlerStopped", {
      error,
      hint: "ingestion goes on; restart the pipeline to crawl again",
    });
  });
  log.info("CrawlerStarted", { hosts: settings.allowedHosts.length, workers });
  return {
    async stop() {
      stopping.abort(new DOMException("crawler stopped", "AbortError"));
      await Promise.all(pools.map((pool) => pool.stop(STOP_GRACE_MS)));
      await running;
    },
    get counters() {
      return { ...loop.counters };
    },
    snapshots: () => pools.map((pool) => pool.snapshot()),
  };
}

/** The host loop: catalog page → products by owning Worker → crawl → merge → defer. */
class CrawlLoop {
  readonly counters = zeroCounters();
  /** Product id → epoch ms before which it is not taken again. */
  readonly #deferred = new Map<string, number>();

  constructor(
    readonly catalog: CrawlCatalog,
    readonly pools: readonly Crawlers[],
    readonly o: ResolvedCrawlerOptions,
    readonly signal: AbortSignal,
  ) {}

  async run(): Promise<void> {
    while (!this.signal.aborted) {
      const page = await this.#nextPage();
      if (page.length > 0) {
        await this.#crawlPage(page);
        continue;
      }
      try {
        await abortableSleep(this.o.idlePollMs, this.signal);
      } catch (error) {
        if (this.signal.aborted) return; // stopped while idle
        throw error;
      }
    }
  }

  /** Up to a page of uncrawled products that are not deferred. */
  async #nextPage(): Promise<ProductToCrawl[]> {
    const now = this.o.now();
    for (const [id, due] of this.#deferred) if (due <= now) this.#deferred.delete(id);
    const asked = this.o.pageSize + this.#deferred.size;
    const products = await this.catalog.uncrawledProducts(asked);
    return products.filter((p) => !this.#deferred.has(p.productId)).slice(0, this.o.pageSize);
  }

  async #crawlPage(page: readonly ProductToCrawl[]): Promise<void> {
    let todo = page;
    for (let round = 0; todo.length > 0 && !this.signal.aborted; round++) {
      if (round > MAX_HANDOFFS) {
        for (const p of todo) this.#defer(p, { skipped: true, notBeforeMs: null });
        return;
      }
      const replies = await Promise.all(
        [...this.#byOwner(todo)].map(([member, products]) => this.#crawl(member, products)),
      );
      const results = replies.flatMap((r) => r?.results ?? []);
      const byId = new Map(todo.map((p) => [p.productId, p]));
      for (const reply of replies) {
        if (reply === undefined) continue;
        for (const key of Object.keys(reply.counters) as (keyof CrawlCounters)[]) {
          this.counters[key] += reply.counters[key];
        }
        for (const later of reply.later) {
          const product = byId.get(later.productId);
          if (product !== undefined) this.#defer(product, later);
        }
      }
      if (results.length > 0) this.counters.merged += await this.catalog.mergeCrawlResults(results);
      todo = replies.flatMap((r) => r?.handoffs.map((h) => h.product) ?? []);
    }
  }

  #byOwner(products: readonly ProductToCrawl[]): Map<number, ProductToCrawl[]> {
    const groups = new Map<number, ProductToCrawl[]>();
    for (const p of products) {
      const member = hostOwner(routeKey(p.url), this.pools.length);
      groups.set(member, [...groups.get(member) ?? [], p]);
    }
    return groups;
  }

  /** Asks the Worker; undefined when the loop stops first (its products stay uncrawled). */
  async #crawl(member: number, products: ProductToCrawl[]): Promise<CrawlReply | undefined> {
    const pool = this.pools[member];
    if (pool === undefined) throw new RangeError(`No crawler Worker ${member}`);
    const reply = pool.ask("crawler.crawl", { products }, this.#timeoutMs(products.length));
    const stopped = Promise.withResolvers<undefined>();
    const onAbort = () => stopped.resolve(undefined);
    this.signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([reply, stopped.promise]);
    } catch (error) {
      if (this.signal.aborted) return undefined; // the Worker was ended by stop
      throw error;
    } finally {
      this.signal.removeEventListener("abort", onAbort);
      // After stop ends the Worker the reply only settles by its timeout, and nothing waits.
      reply.catch((error: unknown) => log.debug("CrawlerReplyAbandoned", { member, error }));
    }
  }

  /** Time a Worker may take for `count` products: every try paced, waited and timed out. */
  #timeoutMs(count: number): number {
    const o = this.o;
    const paced = (count * o.maxTries * 1000) / o.ratePerHost;
    return Math.ceil(paced + o.maxTries * (o.timeoutMs + o.maxRetryAfterMs) + 60_000);
  }

  /** Defers a failed or skipped product until its next attempt is due (as `Crawler` does). */
  #defer(product: ProductToCrawl, later: { skipped: boolean; notBeforeMs: number | null }): void {
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
