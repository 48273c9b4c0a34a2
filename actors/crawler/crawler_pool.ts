/**
 * The crawler's pool, host side: one single-Worker actor per share of the hosts, under a `crawler`
 * supervisor that the pipeline's tree holds as a temporary child (a crawler that gives up stops
 * crawling, never ingestion), and the crawl loop (`crawl_loop.ts`) feeding them: each product goes
 * to the Worker that owns its host, so a host's rate and concurrency limits hold pool-wide.
 */
import {
  type CrawlCounters,
  CRAWLER_PROTOCOL,
  type CrawlerSettings,
  type CrawlerTuning,
  type CrawlReply,
  type ProductToCrawl,
} from "../../messages/crawler.ts";
import { getLogger } from "../../observability/log.ts";
import { ActorPool } from "../runtime/actor_pool.ts";
import type { ActorSnapshot } from "../runtime/snapshot.ts";
import { Supervisor } from "../runtime/supervisor.ts";
import { workerModuleUrl } from "../worker_modules.ts";
import { addCounters, zeroCounters } from "./crawl_counters.ts";
import { type CrawlCatalog, CrawlLoop } from "./crawl_loop.ts";
import { type CrawlerOptions, resolveCrawlerOptions } from "./crawler_options.ts";
import { concurrencyShare, hostOwner, routeKey } from "./host_routing.ts";

const log = getLogger("crawler");
/** A crawl in flight at stop gets this long, then its Worker is ended (nothing is merged). */
export const CRAWLER_SHUTDOWN_MS = 1_000;

/**
 * How long a crawler Worker with nothing to crawl keeps running before it ends (its pool is
 * on demand, `actors/runtime/on_demand.ts`): a shop adds products now and then, and the loop asks
 * the catalog every 5 s, so an isolate held between those bursts is ~30 MiB for nothing. What the
 * Worker keeps per host is safe to lose after this long: the rate limit's one token (a request
 * per 1/rate s; the Worker waits longer when the rate is below one per 60 s) and the circuit
 * breaker's cooldown (60 s) have run out by then; only the robots.txt cache (1 h) is lost, so a
 * host's robots.txt is fetched again once per burst that comes later.
 */
export const CRAWLER_IDLE_MS = 60_000;

/**
 * How long an idle crawler Worker runs: `idleMs`, or longer when a host's next request would not
 * be due by then (`CRAWL_RATE_PER_HOST` can be as low as one request per 100 s), since a new
 * Worker's rate limit starts with its one token.
 */
export function crawlerIdleMs(idleMs: number, ratePerHost: number): number {
  return Math.max(idleMs, Math.ceil(1000 / ratePerHost));
}

type Crawlers = ActorPool<typeof CRAWLER_PROTOCOL.accepts, typeof CRAWLER_PROTOCOL.emits>;

/** How the pool runs: its size, Worker tuning, and the loop's schedule (tests shrink them). */
export interface CrawlerPoolOptions extends
  Pick<
    CrawlerOptions,
    "pageSize" | "idlePollMs" | "failureDelayMs" | "maxFailureDelayMs" | "skipDelayMs" | "now"
  > {
  readonly workers: number;
  readonly tuning?: CrawlerTuning;
  /** How long an idle Worker runs before it ends, ms (default `CRAWLER_IDLE_MS`). */
  readonly idleMs?: number;
}

/** The crawler's Workers and the loop feeding them. */
export class CrawlerPool {
  /** The `crawler` supervisor and its Workers (`crawler#<n>`), to hang into a tree. */
  readonly tree: Supervisor;
  readonly #pools: readonly Crawlers[];
  readonly #loop: CrawlLoop;
  readonly #stopping = new AbortController();
  readonly #workers: number;
  readonly #hosts: number;
  readonly #timeoutMs: (count: number) => number;
  #running: Promise<void> | undefined;

  /**
   * `options.workers` Workers (fewer when there are fewer hosts or concurrency slots) crawling
   * what `catalog` holds; nothing runs before the tree is started and `run` is called.
   */
  constructor(catalog: CrawlCatalog, settings: CrawlerSettings, options: CrawlerPoolOptions) {
    const { workers: wanted, tuning = {}, idleMs: idle = CRAWLER_IDLE_MS, ...schedule } = options;
    const o = resolveCrawlerOptions({ ...settings, ...tuning, ...schedule });
    const idleMs = crawlerIdleMs(idle, o.ratePerHost);
    const workers = Math.max(1, Math.min(wanted, o.concurrency, settings.allowedHosts.length));
    this.#workers = workers;
    this.#hosts = settings.allowedHosts.length;
    // One single-Worker pool per host share: the runtime dispatches to the least-loaded member,
    // and a host must always reach the same Worker.
    this.#pools = Array.from({ length: workers }, (_, member) =>
      new ActorPool({
        name: `crawler#${member}`,
        module: workerModuleUrl("crawler"),
        protocol: CRAWLER_PROTOCOL,
        capacity: 1,
        // A Worker only while there is something to crawl, see CRAWLER_IDLE_MS.
        onDemand: { idleMs },
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
    this.tree = new Supervisor({
      name: "crawler",
      strategy: "one_for_one",
      // A Worker that gives up ends the crawl (as it always did): no restarts at this level.
      maxRestarts: 0,
      children: this.#pools.map((child) => ({ child })),
    });
    // Standing alone (tests), the tree's give-up ends the crawl; in the pipeline its parent
    // replaces this and calls `giveUp` (the crawler is a temporary child there).
    this.tree.onEscalate = (error) => this.giveUp(error);
    // Time a Worker may take for `count` products: every try paced, waited and timed out.
    this.#timeoutMs = (count) => {
      const paced = (count * o.maxTries * 1000) / o.ratePerHost;
      return Math.ceil(paced + o.maxTries * (o.timeoutMs + o.maxRetryAfterMs) + 60_000);
    };
    this.#loop = new CrawlLoop(
      catalog,
      (products) => this.#crawlPage(products),
      o,
      this.#stopping.signal,
    );
  }

  /** Starts the loop (the tree must be started); it runs until `stop` or `giveUp`. */
  run(): void {
    log.info("CrawlerStarted", { hosts: this.#hosts, workers: this.#workers });
    this.#running ??= this.#loop.run().catch((error: unknown) => {
      if (this.#stopping.signal.aborted) return;
      log.error("CrawlerStopped", {
        error,
        hint: "ingestion goes on; restart the pipeline to crawl again",
      });
    });
  }

  /** The crawl ends for good (a Worker gave up); ingestion goes on. */
  giveUp(error: Error): void {
    log.error("CrawlerWorkerFailed", { error, hint: "ingestion goes on; crawling stops" });
    this.#stopping.abort(error);
  }

  /** Ends the loop promptly: crawls in flight are abandoned, their products stay uncrawled. */
  async stopLoop(): Promise<void> {
    this.#stopping.abort(new DOMException("crawler stopped", "AbortError"));
    await this.#running;
  }

  /** Totals over the pool since it started, merges included. */
  get counters(): Readonly<CrawlCounters> {
    return { ...this.#loop.counters };
  }

  /** One snapshot per Worker (`crawler#<n>`). */
  snapshots(): ActorSnapshot[] {
    return this.#pools.map((pool) => pool.snapshot());
  }

  /** Crawls a page: each Worker its hosts' products, at once; the replies as one. */
  async #crawlPage(products: readonly ProductToCrawl[]): Promise<CrawlReply | undefined> {
    const byOwner = new Map<number, ProductToCrawl[]>();
    for (const p of products) {
      const member = hostOwner(routeKey(p.url), this.#pools.length);
      byOwner.set(member, [...byOwner.get(member) ?? [], p]);
    }
    const replies = (await Promise.all(
      [...byOwner].map(([member, owned]) => this.#crawl(member, owned)),
    )).filter((r): r is CrawlReply => r !== undefined);
    if (replies.length === 0) return undefined;
    const counters = zeroCounters();
    for (const reply of replies) addCounters(counters, reply.counters);
    return {
      results: replies.flatMap((r) => r.results),
      later: replies.flatMap((r) => r.later),
      handoffs: replies.flatMap((r) => r.handoffs),
      counters,
    };
  }

  /** Asks the Worker; undefined when the loop stops first (its products stay uncrawled). */
  async #crawl(member: number, products: ProductToCrawl[]): Promise<CrawlReply | undefined> {
    const pool = this.#pools[member];
    if (pool === undefined) throw new RangeError(`No crawler Worker ${member}`);
    const signal = this.#stopping.signal;
    const reply = pool.ask("crawler.crawl", { products }, this.#timeoutMs(products.length));
    const stopped = Promise.withResolvers<undefined>();
    const onAbort = () => stopped.resolve(undefined);
    signal.addEventListener("abort", onAbort, { once: true });
    try {
      return await Promise.race([reply, stopped.promise]);
    } catch (error) {
      if (signal.aborted) return undefined; // the Worker was ended by stop
      throw error;
    } finally {
      signal.removeEventListener("abort", onAbort);
      // After stop ends the Worker the reply only settles by its timeout, and nothing waits.
      reply.catch((error: unknown) => log.debug("CrawlerReplyAbandoned", { member, error }));
    }
  }
}

/** A pool standing alone (its own root): started, looping; `stop` ends the loop and Workers. */
export interface StandingCrawlerPool {
  stop(): Promise<void>;
  /** Totals over the pool since it started, merges included. */
  readonly counters: Readonly<CrawlCounters>;
  snapshots(): ActorSnapshot[];
}

/** Starts a pool on its own (tests); resolves once its Workers wait for pages (none runs yet). */
export async function startCrawlerPool(
  catalog: CrawlCatalog,
  settings: CrawlerSettings,
  options: CrawlerPoolOptions,
): Promise<StandingCrawlerPool> {
  const pool = new CrawlerPool(catalog, settings, options);
  try {
    await pool.tree.start();
  } catch (error) {
    await pool.tree.stop(0);
    throw error;
  }
  pool.run();
  return {
    async stop() {
      await pool.stopLoop();
      await pool.tree.stop(CRAWLER_SHUTDOWN_MS);
    },
    get counters() {
      return pool.counters;
    },
    snapshots: () => pool.snapshots(),
  };
}
