import assert from "node:assert/strict";
import { Crawler, type ProductReport } from "./crawler.ts";
import { magentoPage } from "./store_pages.ts";
import { hang, MemoryCatalog, recordedWaits, testOptions, TestShop } from "./testing.ts";

const page = (name: string) =>
  new Response(magentoPage({ name, price: "100.00", currency: "EUR" }), {
    headers: { "content-type": "text/html" },
  });
const status = (code: number, headers: Record<string, string> = {}) =>
  new Response(`status ${code}`, { status: code, headers });
const noRobots = () => status(404);

Deno.test("a 429 is retried after its Retry-After, then named", async () => {
  let calls = 0;
  const shop = new TestShop((_request, url) => {
    if (url.pathname === "/robots.txt") return noRobots();
    return ++calls === 1 ? status(429, { "retry-after": "7" }) : page("Ring Vega");
  });
  try {
    const { waits, wait } = recordedWaits();
    const catalog = new MemoryCatalog([{ productId: "v", url: `${shop.origin}/vega.html` }]);
    const summary = await new Crawler(catalog, testOptions([shop.host], { wait }))
      .runOnce({ limit: 1 });
    assert.deepEqual(waits, [7000]);
    assert.equal(catalog.get("v").productName, "Ring Vega");
    assert.equal(summary.counters.retried, 1);
    assert.equal(shop.count("/vega.html"), 2);
  } finally {
    await shop.close();
  }
});

Deno.test("a Retry-After past the longest wait fails the product now and defers it", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : status(429, { "retry-after": "3600" })
  );
  try {
    const { waits, wait } = recordedWaits();
    const reports: ProductReport[] = [];
    const catalog = new MemoryCatalog([{ productId: "r", url: `${shop.origin}/r.html` }]);
    const crawler = new Crawler(catalog, testOptions([shop.host], { wait, now: () => 1_000 }));
    const summary = await crawler.runOnce({ limit: 1, onProduct: (r) => reports.push(r) });
    assert.deepEqual(waits, []);
    assert.deepEqual(catalog.get("r"), { ...catalog.get("r"), done: false, httpStatus: 429 });
    assert.equal(catalog.get("r").attempts, 1);
    assert.equal(summary.counters.failed, 1);
    const outcome = reports[0]?.outcome;
    assert.equal(outcome?.kind === "crawled" ? outcome.notBeforeMs : undefined, 3_601_000);
    assert.match(summary.problems[0]?.reason ?? "", /HTTP 429 after 1 tries/);
  } finally {
    await shop.close();
  }
});

Deno.test("a 500 then a success names the product with backoff between the tries", async () => {
  let calls = 0;
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : ++calls === 1 ? status(500) : page("Ring Orion")
  );
  try {
    const { waits, wait } = recordedWaits();
    const catalog = new MemoryCatalog([{ productId: "o", url: `${shop.origin}/orion.html` }]);
    await new Crawler(catalog, testOptions([shop.host], { wait, baseDelayMs: 40, maxDelayMs: 100 }))
      .runOnce({ limit: 1 });
    assert.deepEqual(waits, [30], "half fixed, half jittered (random 0.5) of 40 ms");
    assert.deepEqual(
      [catalog.get("o").productName, catalog.get("o").httpStatus],
      ["Ring Orion", 200],
    );
  } finally {
    await shop.close();
  }
});

Deno.test("a page slower than the timeout is tried up to the limit, then failed", async () => {
  const shop = new TestShop((_request, url, closing) =>
    url.pathname === "/robots.txt" ? noRobots() : hang(closing)
  );
  try {
    const catalog = new MemoryCatalog([{ productId: "s", url: `${shop.origin}/slow.html` }]);
    const crawler = new Crawler(catalog, testOptions([shop.host], { timeoutMs: 50, maxTries: 2 }));
    const summary = await crawler.runOnce({ limit: 1 });
    assert.equal(shop.count("/slow.html"), 2);
    const entry = catalog.get("s");
    assert.deepEqual([entry.done, entry.httpStatus, entry.attempts], [false, null, 1]);
    assert.match(summary.problems[0]?.reason ?? "", /timeout after 50 ms after 2 tries/);
    assert.equal(summary.counters.retried, 1);
    assert.equal(summary.counters.failed, 1);
  } finally {
    await shop.close();
  }
});

Deno.test("the circuit opens after consecutive failures and spares the host", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : status(503)
  );
  try {
    const products = [1, 2, 3, 4, 5, 6].map((n) => ({
      productId: `p${n}`,
      url: `${shop.origin}/p${n}.html`,
    }));
    const catalog = new MemoryCatalog(products);
    const crawler = new Crawler(
      catalog,
      testOptions([shop.host], { maxTries: 1, breakerThreshold: 3, hostConcurrency: 1 }),
    );
    const summary = await crawler.runOnce({ limit: 6 });
    assert.equal(shop.count("/p"), 3);
    assert.equal(summary.counters.failed, 3);
    assert.equal(summary.counters.circuitOpen, 3);
    assert.deepEqual(products.map((p) => catalog.get(p.productId).attempts), [1, 1, 1, 0, 0, 0]);
  } finally {
    await shop.close();
  }
});

Deno.test("a failed product is not taken again before its next attempt is due", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : status(502)
  );
  try {
    let now = 0;
    const catalog = new MemoryCatalog([{ productId: "f", url: `${shop.origin}/f.html` }]);
    const crawler = new Crawler(
      catalog,
      testOptions([shop.host], { maxTries: 1, failureDelayMs: 1_000, now: () => now }),
    );
    await crawler.runOnce({ limit: 1 });
    assert.equal((await crawler.runOnce({ limit: 1 })).products, 0, "deferred by 1 s × 2^0");
    now = 1_000;
    assert.equal((await crawler.runOnce({ limit: 1 })).products, 1);
    assert.equal(catalog.get("f").attempts, 2);
    now = 2_999;
    assert.equal((await crawler.runOnce({ limit: 1 })).products, 0, "then by 1 s × 2^1");
  } finally {
    await shop.close();
  }
});
