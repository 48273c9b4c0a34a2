/**
 * The crawler Worker's behaviour: crawls each `crawler.crawl` page with the existing per-product
 * crawl (allow-list, robots.txt, host gate, retries) and replies with the results to merge, the
 * products to try later, and redirects to hosts another Worker owns (handed back, never
 * requested here). It requests only the hosts it owns, so every host has one gate in the pool.
 */
import type {
  CrawlCounters,
  CRAWLER_PROTOCOL,
  CrawlerArgs,
  CrawlHandoff,
  CrawlLater,
  CrawlReply,
  CrawlResult,
  ProductToCrawl,
} from "../../messages/crawler.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import { AllowList } from "./allow_list.ts";
import { zeroCounters } from "./crawl_counters.ts";
import { crawlProduct, type ProductCrawlContext } from "./crawl_product.ts";
import { type CrawlerOptions, resolveCrawlerOptions } from "./crawler_options.ts";
import { HostGate } from "./host_gate.ts";
import { RobotsCache } from "./robots_cache.ts";
import { robotsLoader } from "./robots_loader.ts";
import { hostOwner } from "./host_routing.ts";

type Protocol = typeof CRAWLER_PROTOCOL;

/** Injected in tests: the retry wait, random source and clock. */
export type CrawlerHooks = Pick<CrawlerOptions, "wait" | "random" | "now">;

/**
 * The allow-list narrowed to the hosts this Worker owns; a URL allowed but owned by another
 * Worker is refused here and remembered, so that the pool can crawl it there.
 */
class OwnedAllowList extends AllowList {
  readonly #owns: (host: string) => boolean;
  /** The last allowed URL refused because another Worker owns its host. */
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

/** Starts a crawler Worker's behaviour from its init arguments. */
export function startCrawlerBehaviour(
  args: CrawlerArgs,
  _ctx: ActorContext<Protocol["emits"]>,
  hooks: CrawlerHooks = {},
): Behaviour<Protocol["accepts"]> {
  const o = resolveCrawlerOptions({
    ...args.settings,
    ...args.tuning,
    concurrency: args.concurrency,
    ...hooks,
  });
  const owns = (host: string) => hostOwner(host, args.workers) === args.member;
  const hosts = o.allowedHosts;
  const gate = new HostGate(o, o.now);
  const fetch = { userAgent: o.userAgent, timeoutMs: o.timeoutMs, maxBytes: o.maxBytes };
  const ttl = { ttlMs: o.robotsTtlMs, errorTtlMs: o.robotsErrorTtlMs };
  const base: Omit<ProductCrawlContext, "allowList" | "counters"> = {
    robots: new RobotsCache(robotsLoader(gate, new OwnedAllowList(hosts, owns), fetch, ttl), o.now),
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
  const totals = zeroCounters();
  const stopping = new AbortController();

  const crawl = async (products: readonly ProductToCrawl[]): Promise<CrawlReply> => {
    const counters = zeroCounters();
    const results: CrawlResult[] = [];
    const later: CrawlLater[] = [];
    const handoffs: CrawlHandoff[] = [];
    // allSettled, not all: every product ends before the reply, even when one fails.
    const settled = await Promise.allSettled(products.map(async (product) => {
      const allowList = new OwnedAllowList(hosts, owns);
      const outcome = await crawlProduct(
        product,
        { ...base, allowList, counters },
        stopping.signal,
      );
      const { productId } = product;
      const elsewhere = allowList.elsewhere;
      const handedOff = elsewhere !== undefined &&
        (outcome.kind === "skipped"
          ? outcome.reason === "off-allow-list"
          : outcome.result.done && outcome.reason.startsWith("redirect off the allow-list"));
      if (handedOff) {
        counters.skippedOffAllowList--; // not off the list: the host of another Worker
        handoffs.push({ product: { ...product, url: elsewhere } });
      } else if (outcome.kind === "skipped") {
        later.push({ productId, skipped: true, notBeforeMs: outcome.retryAtMs ?? null });
      } else {
        results.push(outcome.result);
        if (outcome.result.done) return;
        later.push({ productId, skipped: false, notBeforeMs: outcome.notBeforeMs ?? null });
      }
    }));
    const failure = settled.find((s) => s.status === "rejected");
    if (failure !== undefined) throw failure.reason;
    add(totals, counters);
    return { results, later, handoffs, counters };
  };

  return {
    handlers: {
      "crawler.crawl": ({ products }) => crawl(products),
      "crawler.counters": () => ({ ...totals }),
    },
    stop: () => stopping.abort(new DOMException("crawler stopped", "AbortError")),
  };
}

function add(into: CrawlCounters, counters: Readonly<CrawlCounters>): void {
  for (const key of Object.keys(into) as (keyof CrawlCounters)[]) into[key] += counters[key];
}
