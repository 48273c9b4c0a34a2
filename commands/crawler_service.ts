/**
 * Runs the product crawler beside ingestion, reading and merging catalog pages through the
 * writer (the warehouse's one connection). It starts only for the allowed hosts this process
 * may reach: Deno's permissions are checked first, so a task without network to the shop says
 * so once instead of failing on every request.
 */
import { Crawler } from "../actors/crawler/crawler.ts";
import { loadCrawlerSettings } from "../actors/crawler/crawler_settings.ts";
import type { Pipeline } from "../actors/pipeline/pipeline.ts";
import { getLogger } from "../observability/log.ts";

const log = getLogger("crawler");

/** A running crawler; `stop` aborts requests in flight and waits. */
export interface CrawlerService {
  stop(): Promise<void>;
}

/** Starts the crawler, or returns undefined (logged) when no allowed host is reachable. */
export async function startCrawler(pipeline: Pipeline): Promise<CrawlerService | undefined> {
  const settings = loadCrawlerSettings();
  const reachable: string[] = [];
  for (const host of settings.allowedHosts) {
    const status = await Deno.permissions.query({ name: "net", host });
    if (status.state === "granted") reachable.push(host);
  }
  if (reachable.length === 0) {
    log.warn("CrawlerNotStarted", {
      reason: "this task grants no network access to any CRAWL_ALLOWED_HOSTS entry",
      hint: "add the hosts to the task's --allow-net, or set CRAWL_ENABLED=false to silence this",
    });
    return undefined;
  }
  const crawler = new Crawler({
    uncrawledProducts: async (limit) =>
      (await pipeline.writer.ask("writer.uncrawled", { limit }, 60_000)).products,
    mergeCrawlResults: async (results) =>
      (await pipeline.writer.ask("writer.mergeCrawl", { results: [...results] }, 60_000)).updated,
  }, { ...settings, allowedHosts: reachable });
  const running = crawler.start().catch((error: unknown) =>
    log.error("CrawlerStopped", {
      error,
      hint: "ingestion goes on; restart the pipeline to crawl again",
    })
  );
  log.info("CrawlerStarted", { hosts: reachable.length });
  return {
    async stop() {
      await crawler.stop();
      await running;
    },
  };
}
