import assert from "node:assert/strict";
import { CRAWLER_PROTOCOL, type CrawlerArgs } from "../../messages/crawler.ts";
import { inProcess } from "../runtime/testing.ts";
import { startCrawlerBehaviour } from "./crawler_behaviour.ts";
import type { CrawlerHooks } from "./page_crawler.ts";
import { magentoPage } from "./store_pages.ts";
import { recordedWaits, TestShop } from "./testing.ts";
import { hostOwner } from "./host_routing.ts";

const page = (name: string) =>
  new Response(magentoPage({ name, price: "100.00", currency: "EUR" }), {
    headers: { "content-type": "text/html" },
  });
const noRobots = () => new Response("", { status: 404 });

/** Init arguments of a one-Worker pool allowing `hosts`. */
function args(hosts: readonly string[], pool = { workers: 1, member: 0 }): CrawlerArgs {
  return {
    settings: {
      allowedHosts: hosts,
      userAgent: "GlamiraNameBot/1.0 (+https://example.org/bot)",
      concurrency: 8,
      hostConcurrency: 4,
      ratePerHost: 10_000,
      timeoutMs: 2_000,
      maxBytes: 1_000_000,
      maxTries: 3,
    },
    ...pool,
    concurrency: 8,
    tuning: { baseDelayMs: 1, maxDelayMs: 4 },
  };
}

const crawler = (a: CrawlerArgs, hooks: CrawlerHooks = {}) =>
  inProcess(CRAWLER_PROTOCOL, (x, ctx) => startCrawlerBehaviour(x, ctx, hooks), a);

Deno.test("a crawl page comes back named, with the counters of that crawl", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page(`Ring ${url.pathname}`)
  );
  try {
    const actor = await crawler(args([shop.host]));
    const reply = await actor.send("crawler.crawl", {
      products: ["a", "b", "c"].map((id) => ({
        productId: id,
        url: `${shop.origin}/${id}.html`,
        attempts: 0,
      })),
    });
    const named = reply.results.map((r) => `${r.productId} ${r.httpStatus} ${r.productName}`);
    assert.deepEqual(named.sort(), [
      "a 200 Ring /a.html",
      "b 200 Ring /b.html",
      "c 200 Ring /c.html",
    ]);
    assert.ok(reply.results.every((r) => r.done));
    assert.deepEqual([reply.later, reply.handoffs], [[], []]);
    assert.deepEqual([reply.counters.fetched, reply.counters.named], [3, 3]);
    assert.equal((await actor.send("crawler.counters", {})).named, 3);
    await actor.stop();
  } finally {
    await shop.close();
  }
});

Deno.test("a 429 is retried after its Retry-After, then named", async () => {
  let calls = 0;
  const shop = new TestShop((_request, url) => {
    if (url.pathname === "/robots.txt") return noRobots();
    return ++calls === 1
      ? new Response("slow down", { status: 429, headers: { "retry-after": "7" } })
      : page("Ring Vega");
  });
  try {
    const { waits, wait } = recordedWaits();
    const actor = await crawler(args([shop.host]), { wait, random: () => 0.5 });
    const reply = await actor.send("crawler.crawl", {
      products: [{ productId: "v", url: `${shop.origin}/vega.html`, attempts: 0 }],
    });
    assert.deepEqual(waits, [7000]);
    assert.equal(reply.results[0]?.productName, "Ring Vega");
    assert.equal(reply.counters.retried, 1);
    assert.equal(shop.count("/vega.html"), 2);
  } finally {
    await shop.close();
  }
});

Deno.test("a URL off the allow-list is never requested and comes back to try later", async () => {
  const offList = new TestShop(() => page("Should never be fetched"));
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page("Ring")
  );
  try {
    const actor = await crawler(args([shop.host]));
    const reply = await actor.send("crawler.crawl", {
      products: [
        { productId: "o", url: `${offList.origin}/direct.html`, attempts: 0 },
        { productId: "f", url: "file:///etc/passwd", attempts: 0 },
      ],
    });
    assert.equal(offList.requests.length, 0);
    assert.deepEqual(reply.results, []);
    assert.deepEqual(reply.later.map((l) => [l.productId, l.skipped]).sort(), [
      ["f", true],
      ["o", true],
    ]);
    assert.equal(reply.counters.skippedOffAllowList, 2);
  } finally {
    await shop.close();
    await offList.close();
  }
});

Deno.test("a redirect to a host another Worker owns is handed back, not requested", async () => {
  const shops: TestShop[] = [];
  try {
    // Two local shops whose hosts belong to different Workers of a pool of two.
    while (new Set(shops.map((s) => hostOwner(s.host, 2))).size < 2) {
      const target = shops.at(-1);
      shops.push(
        new TestShop((_request, url) =>
          url.pathname === "/robots.txt" || target === undefined
            ? noRobots()
            : Response.redirect(`${target.origin}/moved.html`, 301)
        ),
      );
    }
    const [other, mine] = shops.slice(-2) as [TestShop, TestShop];
    const member = hostOwner(mine.host, 2);
    const hosts = shops.map((s) => s.host);
    const actor = await crawler(args(hosts, { workers: 2, member }));
    const product = { productId: "m", url: `${mine.origin}/ring.html`, attempts: 2 };
    const reply = await actor.send("crawler.crawl", { products: [product] });
    assert.deepEqual(reply.handoffs, [{
      product: { ...product, url: `${other.origin}/moved.html` },
    }]);
    assert.deepEqual([reply.results, reply.later], [[], []]);
    assert.equal(other.count("/moved.html"), 0);
    assert.equal(reply.counters.skippedOffAllowList, 0);
  } finally {
    for (const shop of shops) await shop.close();
  }
});
