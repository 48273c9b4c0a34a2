/**
 * End to end: the same pre-produced traffic ingested twice by the real pipeline process, once
 * without the crawler and once with a crawler pool that the product pages answer with 429 and
 * Retry-After (every other request). Ingestion stays exactly once and ready while the crawler
 * backs off; the two throughputs (process start to everything committed) are reported as
 * figures, not asserted: timing is a benchmark's business.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { magentoPage } from "../../actors/crawler/store_pages.ts";
import { TestShop } from "../../actors/crawler/testing.ts";
import { generateMessages } from "../../tools/produce/mod.ts";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv } from "./ingestion_fixture.ts";

const EVENTS = 20_000;
const page = () =>
  new Response(magentoPage({ name: "Ring", price: "100.00", currency: "EUR" }), {
    headers: { "content-type": "text/html" },
  });
const decoder = new TextDecoder();
const encoder = new TextEncoder();

/**
 * Produces the generator's clean events with each `current_url` moved to one of `origins`
 * (picked by the store's host, so a product keeps one host): the crawler fetches event URLs
 * as they are, so this points it at the local shops.
 */
async function produceLocal(brokers: string, topic: string, origins: readonly string[]) {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    let batch: { key: string; value: Buffer }[] = [];
    for (const m of generateMessages({ seed: 7, count: EVENTS })) {
      const event = JSON.parse(decoder.decode(m.value));
      if (typeof event.current_url === "string") {
        event.current_url = event.current_url.replace(
          /^https?:\/\/([^/]+)/,
          (_: string, host: string) => origins[host.length % origins.length],
        );
      }
      batch.push({ key: m.key, value: Buffer.from(encoder.encode(JSON.stringify(event))) });
      if (batch.length === 1_000) {
        await producer.send({ topic, messages: batch });
        batch = [];
      }
    }
    if (batch.length > 0) await producer.send({ topic, messages: batch });
  } finally {
    await producer.disconnect();
  }
}

/** Runs the pipeline on `group` until it committed everything; returns events per second. */
async function ingest(
  t: { brokers: string; topic: string },
  group: string,
  extra: Record<string, string>,
  whileRunning: (pipeline: Awaited<ReturnType<typeof startPipeline>>) => Promise<void>,
) {
  const dataDir = await Deno.makeTempDir({ prefix: `e2e-${group}-` });
  const topic = { ...t, group };
  const started = performance.now();
  const pipeline = await startPipeline({ dataDir, env: pipelineEnv(topic, extra) });
  const ends = await caughtUp(topic);
  const seconds = (performance.now() - started) / 1000;
  await whileRunning(pipeline);
  await pipeline.stopExpecting("SIGTERM", 0);
  const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
  assert.deepEqual(exactlyOnceProblems(got, ends), []);
  await Deno.remove(dataDir, { recursive: true });
  return EVENTS / seconds;
}

Deno.test({
  name: "ingestion stays exactly once and ready while the crawler pool backs off from 429s",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const paths = new Map<string, number>();
    let answered = 0;
    let throttled = 0;
    const retried = Promise.withResolvers<void>();
    // Every other page request is refused with 429: the host keeps asking the crawler to back
    // off, yet no five failures in a row open its circuit, so retries go on during ingestion.
    const handler = (_request: Request, url: URL) => {
      if (url.pathname === "/robots.txt") return new Response("", { status: 404 });
      const seen = (paths.get(url.href) ?? 0) + 1;
      paths.set(url.href, seen);
      if (seen > 1) retried.resolve(); // the same page asked again: a retry after its 429
      if (answered++ % 2 === 1) return page();
      throttled++;
      return new Response("slow down", { status: 429, headers: { "retry-after": "1" } });
    };
    const shops = [new TestShop(handler), new TestShop(handler)];
    try {
      const t = await freshTopic("e2e-crawl");
      await produceLocal(t.brokers, t.topic, shops.map((s) => s.origin));

      const without = await ingest(t, `${t.topic}-plain`, {}, () => Promise.resolve());
      const withCrawler = await ingest(t, `${t.topic}-crawl`, {
        CRAWL_ENABLED: "true",
        CRAWL_ALLOWED_HOSTS: shops.map((s) => s.host).join(","),
        CRAWL_WORKERS: "2",
        CRAWL_RATE_PER_HOST: "50",
      }, async (pipeline) => {
        await retried.promise;
        const ready = await pipeline.get("/ready");
        assert.equal(ready.status, 200, await ready.text());
      });

      assert.ok(
        throttled > 0 && shops.every((s) => s.count("/glamira-") + s.count("/catalog/") > 0),
        "both shops crawled",
      );
      // Figures, not assertions: the two throughputs of the same traffic.
      console.log(JSON.stringify({
        events: EVENTS,
        eventsPerSecondWithoutCrawler: Math.round(without),
        eventsPerSecondWithCrawlerBackingOff: Math.round(withCrawler),
        requestsAnswered429: throttled,
        pagesAskedAgain: [...paths.values()].filter((n) => n > 1).length,
      }));
    } finally {
      for (const shop of shops) await shop.close();
    }
  },
});
