/**
 * The crawler Worker's behaviour: crawls each `crawler.crawl` page of products of the hosts this
 * Worker owns (`page_crawler.ts`) and replies with the results to merge, the products to try
 * later and the redirects to hosts another Worker owns; keeps its running totals for
 * `crawler.counters`. It requests only the hosts it owns, so every host has one gate in the pool.
 */
import type { CRAWLER_PROTOCOL, CrawlerArgs } from "../../messages/crawler.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import { addCounters, zeroCounters } from "./crawl_counters.ts";
import { type CrawlerHooks, PageCrawler } from "./page_crawler.ts";

type Protocol = typeof CRAWLER_PROTOCOL;

/** Starts a crawler Worker's behaviour from its init arguments. */
export function startCrawlerBehaviour(
  args: CrawlerArgs,
  _ctx: ActorContext<Protocol["emits"]>,
  hooks: CrawlerHooks = {},
): Behaviour<Protocol["accepts"]> {
  const pages = new PageCrawler({ ...args, hooks });
  const totals = zeroCounters();
  return {
    handlers: {
      "crawler.crawl": async ({ products }) => {
        const reply = await pages.crawl(products);
        addCounters(totals, reply.counters);
        return reply;
      },
      "crawler.counters": () => ({ ...totals }),
    },
    stop: () => pages.stop(),
  };
}
