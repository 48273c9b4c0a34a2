import assert from "node:assert/strict";
import type { CrawlerSettings, CrawlResult } from "../../messages/crawler.ts";
import { PAGE_PARSE_LIMITS } from "./bounded_parse.ts";
import { CRAWLER_IDLE_MS, crawlerIdleMs, startCrawlerPool } from "./crawler_pool.ts";
import { hostOwner } from "./host_routing.ts";
import { deepPage, magentoPage } from "./store_pages.ts";
import { MemoryCatalog, type ShopHandler, TestShop } from "./testing.ts";

const page = (name: string) =>
  new Response(magentoPage({ name, price: "100.00", currency: "EUR" }), {
    headers: { "content-type": "text/html" },
  });
const noRobots = () => new Response("", { status: 404 });

function settings(hosts: readonly string[], over: Partial<CrawlerSettings> = {}): CrawlerSettings {
  return {
    allowedHosts: hosts,
    userAgent: "GlamiraNameBot/1.0 (+https://example.org/bot)",
    concurrency: 8,
    hostConcurrency: 8,
    ratePerHost: 10_000,
    timeoutMs: 2_000,
    maxBytes: 1_000_000,
    maxTries: 3,
    ...over,
  };
}

/** Two local shops whose hosts belong to different Workers of a pool of two. */
function twoShops(handler: (shops: TestShop[]) => ShopHandler): [TestShop, TestShop, TestShop[]] {
  const shops: TestShop[] = [];
  while (new Set(shops.map((s) => hostOwner(s.host, 2))).size < 2) {
    shops.push(new TestShop(handler(shops)));
  }
  const [a, b] = shops.slice(-2) as [TestShop, TestShop];
  return [a, b, shops];
}

/** A catalog that resolves `done` once every product is crawled (done). */
function watchedCatalog(products: { productId: string; url: string }[]) {
  const catalog = new MemoryCatalog(products);
  const done = Promise.withResolvers<void>();
  const merge = catalog.mergeCrawlResults.bind(catalog);
  catalog.mergeCrawlResults = async (results: readonly CrawlResult[]) => {
    const updated = await merge(results);
    if ([...catalog.entries.values()].every((e) => e.done)) done.resolve();
    return updated;
  };
  return { catalog, done: done.promise };
}

Deno.test("the per-host rate limit holds in every window across a pool of two Workers", async () => {
  const [a, b, shops] = twoShops(() => (_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page(`Ring ${url.pathname}`)
  );
  try {
    const products = Array.from({ length: 24 }, (_, n) => ({
      productId: `p${n}`,
      url: `${(n % 2 === 0 ? a : b).origin}/p${n}.html`,
    }));
    const { catalog, done } = watchedCatalog(products);
    const rate = 20;
    const crawler = await startCrawlerPool(
      catalog,
      settings([a.host, b.host], { ratePerHost: rate }),
      { workers: 2, pageSize: 10, idlePollMs: 5 },
    );
    await done;
    const snapshots = crawler.snapshots();
    await crawler.stop();
    assert.deepEqual(snapshots.map((s) => s.processed > 0), [true, true], "both Workers crawl");
    assert.equal(crawler.counters.named, 24);
    assert.equal(crawler.counters.merged, 24);
    assert.equal(catalog.get("p7").productName, "Ring /p7.html");
    const windowMs = 250;
    // burst 1 + rate × window, plus one for arrival jitter on the loopback
    const bound = 1 + (rate * windowMs) / 1000 + 1;
    for (const shop of [a, b]) {
      const times = shop.requests.map((r) => r.atMs);
      assert.equal(times.length, 13, "12 pages and robots.txt");
      for (const start of times) {
        const inWindow = times.filter((t) => t >= start && t < start + windowMs).length;
        assert.ok(inWindow <= bound, `${inWindow} requests within ${windowMs} ms, bound ${bound}`);
      }
    }
  } finally {
    for (const shop of shops) await shop.close();
  }
});

Deno.test("a redirect to the host of the other Worker is crawled there and named", async () => {
  const [from, to, shops] = twoShops((earlier) => {
    const target = earlier.at(-1); // each new shop redirects to the one made before it
    return (_request, url) => {
      if (url.pathname === "/robots.txt") return noRobots();
      return url.pathname === "/old.html" && target !== undefined
        ? Response.redirect(`${target.origin}/new.html`, 301)
        : page(`Ring ${url.pathname}`);
    };
  });
  try {
    const { catalog, done } = watchedCatalog([{ productId: "r", url: `${to.origin}/old.html` }]);
    const crawler = await startCrawlerPool(catalog, settings([from.host, to.host]), {
      workers: 2,
      idlePollMs: 5,
    });
    await done;
    await crawler.stop();
    assert.deepEqual([catalog.get("r").productName, catalog.get("r").httpStatus], [
      "Ring /new.html",
      200,
    ]);
    assert.deepEqual([to.count("/old.html"), from.count("/new.html")], [1, 1]);
  } finally {
    for (const shop of shops) await shop.close();
  }
});

Deno.test({
  name: "stop ends the loop and the Workers while a crawl waits out a Retry-After",
  // The ended Worker's reply is abandoned: ActorPool.ask keeps its timer until the timeout.
  sanitizeOps: false,
  async fn() {
    const asked = Promise.withResolvers<void>();
    const shop = new TestShop((_request, url) => {
      if (url.pathname === "/robots.txt") return noRobots();
      asked.resolve();
      return new Response("slow down", { status: 429, headers: { "retry-after": "60" } });
    });
    try {
      const catalog = new MemoryCatalog([{ productId: "w", url: `${shop.origin}/w.html` }]);
      const crawler = await startCrawlerPool(catalog, settings([shop.host]), { workers: 1 });
      await asked.promise;
      await crawler.stop();
      assert.deepEqual([catalog.get("w").attempts, crawler.counters.merged], [0, 0]);
      assert.equal(crawler.snapshots()[0]?.state, "stopped");
    } finally {
      await shop.close();
    }
  },
});

Deno.test("a page nested 200,000 deep fails its product within the page time cap; the next is crawled", async () => {
  const served = new Map<string, number>();
  const shop = new TestShop((_request, url) => {
    if (url.pathname === "/robots.txt") return noRobots();
    served.set(url.pathname, performance.now());
    return url.pathname === "/deep.html"
      ? new Response(deepPage(200_000), { headers: { "content-type": "text/html" } })
      : page("Ring Calm");
  });
  try {
    const catalog = new MemoryCatalog([
      { productId: "deep", url: `${shop.origin}/deep.html` },
      { productId: "calm", url: `${shop.origin}/calm.html` },
    ]);
    const merged = Promise.withResolvers<number>();
    const merge = catalog.mergeCrawlResults.bind(catalog);
    catalog.mergeCrawlResults = async (results: readonly CrawlResult[]) => {
      const at = performance.now();
      const updated = await merge(results);
      if (catalog.get("deep").attempts > 0 && catalog.get("calm").done) merged.resolve(at);
      return updated;
    };
    const crawler = await startCrawlerPool(catalog, settings([shop.host], { concurrency: 1 }), {
      workers: 1,
      pageSize: 1, // one product per Worker request: the deep page first, then the next
      idlePollMs: 5,
    });
    const mergedAt = await merged.promise;
    const snapshot = crawler.snapshots()[0];
    await crawler.stop();
    const deep = catalog.get("deep");
    assert.deepEqual([deep.done, deep.httpStatus, deep.productName], [false, 200, null]);
    assert.equal(catalog.get("calm").productName, "Ring Calm");
    assert.equal(crawler.counters.rejected, 1);
    assert.equal(snapshot?.restarts, 0, "the crawler Worker never crashed");
    const seconds = (mergedAt - (served.get("/deep.html") ?? 0)) / 1000;
    assert.ok(seconds < PAGE_PARSE_LIMITS.budgetMs / 1000, `failed after ${seconds} s`);
  } finally {
    await shop.close();
  }
});

/** Resolves once every crawler Worker has ended (the pool `idle`), turn by turn of the loop. */
async function allIdle(crawler: { snapshots(): { state: string }[] }): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (crawler.snapshots().every((s) => s.state === "idle")) return;
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  throw new Error(`The crawler did not become idle: ${JSON.stringify(crawler.snapshots())}`);
}

Deno.test("a crawler Worker runs only while there is something to crawl, and starts again for a product added later", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page(`Ring ${url.pathname}`)
  );
  try {
    const catalog = new MemoryCatalog([]);
    const polled = Promise.withResolvers<void>();
    const uncrawled = catalog.uncrawledProducts.bind(catalog);
    catalog.uncrawledProducts = (limit: number) => {
      if (catalog.asked.length >= 2) polled.resolve();
      return uncrawled(limit);
    };
    const crawler = await startCrawlerPool(catalog, settings([shop.host]), {
      workers: 1,
      idlePollMs: 5,
      idleMs: 0,
    });
    try {
      await polled.promise;
      const empty = crawler.snapshots()[0];
      assert.equal(empty?.state, "idle", "no Worker while the catalog has nothing to crawl");
      assert.equal(empty?.running, 0);
      for (const n of [1, 2]) {
        const done = merged(catalog, `p${n}`);
        catalog.entries.set(`p${n}`, {
          productId: `p${n}`,
          url: `${shop.origin}/p${n}.html`,
          attempts: 0,
          done: false,
          httpStatus: null,
          productName: null,
        });
        await done;
        assert.equal(catalog.get(`p${n}`).productName, `Ring /p${n}.html`);
        await allIdle(crawler);
        assert.equal(crawler.snapshots()[0]?.running, 0, `the Worker ended after p${n}`);
      }
      const after = crawler.snapshots()[0];
      assert.equal(after?.processed, 2, "one Worker per product, each took its page");
      assert.equal(after?.restarts, 0, "ending an idle Worker is not a restart");
      const robots = shop.requests.filter((r) => r.path === "/robots.txt").length;
      assert.equal(robots, 2, "a new Worker reads robots.txt again (its cache ended with it)");
    } finally {
      await crawler.stop();
    }
    assert.equal(crawler.snapshots()[0]?.state, "stopped");
  } finally {
    await shop.close();
  }
});

/** Resolves once `productId`'s crawl result was merged into `catalog`. */
function merged(catalog: MemoryCatalog, productId: string): Promise<void> {
  const done = Promise.withResolvers<void>();
  const merge = catalog.mergeCrawlResults.bind(catalog);
  catalog.mergeCrawlResults = async (results: readonly CrawlResult[]) => {
    const updated = await merge(results);
    if (results.some((r) => r.productId === productId)) done.resolve();
    return updated;
  };
  return done.promise;
}

Deno.test("an idle crawler Worker outlives its hosts' pacing, so a new one never sends early", () => {
  assert.equal(crawlerIdleMs(CRAWLER_IDLE_MS, 1), 60_000, "the default rate: 60 s");
  assert.equal(crawlerIdleMs(CRAWLER_IDLE_MS, 0.01), 100_000, "one request per 100 s: 100 s");
  assert.equal(crawlerIdleMs(0, 10_000), 1);
});
