import assert from "node:assert/strict";
import { Crawler } from "./crawler.ts";
import { magentoPage } from "./store_pages.ts";
import { hang, MemoryCatalog, testOptions, TestShop } from "./testing.ts";

const page = (name: string) =>
  new Response(magentoPage({ name, price: "100.00", currency: "EUR" }), {
    headers: { "content-type": "text/html" },
  });
const noRobots = () => new Response("", { status: 404 });

Deno.test("a redirect to a host off the allow-list is never requested", async () => {
  const offList = new TestShop(() => page("Should never be fetched"));
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt"
      ? noRobots()
      : Response.redirect(`${offList.origin}/phish.html`, 302)
  );
  try {
    const catalog = new MemoryCatalog([
      { productId: "r", url: `${shop.origin}/moved.html` },
      { productId: "o", url: `${offList.origin}/direct.html` },
      { productId: "f", url: "file:///etc/passwd" },
      { productId: "j", url: "javascript:alert(1)" },
    ]);
    const summary = await new Crawler(catalog, testOptions([shop.host])).runOnce({ limit: 4 });
    assert.equal(offList.requests.length, 0);
    assert.deepEqual(
      [catalog.get("r").done, catalog.get("r").httpStatus, catalog.get("r").productName],
      [true, 302, null],
    );
    assert.deepEqual(["o", "f", "j"].map((id) => catalog.get(id).attempts), [0, 0, 0]);
    assert.equal(summary.counters.skippedOffAllowList, 4);
  } finally {
    await shop.close();
    await offList.close();
  }
});

Deno.test("robots.txt disallow is honoured and robots.txt is fetched once per host", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt"
      ? new Response("User-agent: *\nDisallow: /checkout/\n\nUser-agent: OtherBot\nDisallow: /")
      : page(`Page ${url.pathname}`)
  );
  try {
    const catalog = new MemoryCatalog([
      { productId: "c", url: `${shop.origin}/checkout/cart.html` },
      { productId: "p1", url: `${shop.origin}/ring-1.html` },
      { productId: "p2", url: `${shop.origin}/ring-2.html` },
    ]);
    const summary = await new Crawler(catalog, testOptions([shop.host])).runOnce({ limit: 3 });
    assert.equal(shop.count("/checkout/"), 0);
    assert.equal(shop.count("/robots.txt"), 1);
    assert.equal(summary.counters.robotsDisallowed, 1);
    assert.equal(catalog.get("c").attempts, 0);
    assert.equal(catalog.get("p2").productName, "Page /ring-2.html");
  } finally {
    await shop.close();
  }
});

Deno.test("the per-host rate limit holds in every window the server sees", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page("Ring")
  );
  try {
    const products = Array.from({ length: 15 }, (_, n) => ({
      productId: `p${n}`,
      url: `${shop.origin}/p${n}.html`,
    }));
    const rate = 20;
    const crawler = new Crawler(
      new MemoryCatalog(products),
      testOptions([shop.host], { ratePerHost: rate, hostConcurrency: 8 }),
    );
    await crawler.runOnce({ limit: 15 });
    const times = shop.requests.map((r) => r.atMs);
    assert.equal(times.length, 16, "15 pages and robots.txt");
    const windowMs = 250;
    // burst 1 + rate × window, plus one for arrival jitter on the loopback
    const bound = 1 + (rate * windowMs) / 1000 + 1;
    for (const start of times) {
      const inWindow = times.filter((t) => t >= start && t < start + windowMs).length;
      assert.ok(inWindow <= bound, `${inWindow} requests within ${windowMs} ms, bound ${bound}`);
    }
  } finally {
    await shop.close();
  }
});

Deno.test("the global concurrency cap bounds requests in flight", async () => {
  let inFlight = 0;
  let most = 0;
  const shop = new TestShop(async (_request, url) => {
    if (url.pathname === "/robots.txt") return noRobots();
    most = Math.max(most, ++inFlight);
    await new Promise((resolve) => setTimeout(resolve, 5));
    inFlight--;
    return page("Ring");
  });
  try {
    const products = Array.from({ length: 12 }, (_, n) => ({
      productId: `p${n}`,
      url: `${shop.origin}/p${n}.html`,
    }));
    const catalog = new MemoryCatalog(products);
    await new Crawler(catalog, testOptions([shop.host], { concurrency: 2, hostConcurrency: 6 }))
      .runOnce({ limit: 12 });
    assert.equal(shop.count("/p"), 12);
    assert.ok(most <= 2, `${most} requests in flight`);
  } finally {
    await shop.close();
  }
});

Deno.test("stop aborts a fetch in flight and resolves; nothing is merged for it", async () => {
  let arrived: () => void = () => {};
  const requested = new Promise<void>((resolve) => arrived = resolve);
  const shop = new TestShop((_request, url, closing) => {
    if (url.pathname === "/robots.txt") return noRobots();
    arrived();
    return hang(closing);
  });
  try {
    const catalog = new MemoryCatalog([{ productId: "h", url: `${shop.origin}/hang.html` }]);
    const crawler = new Crawler(catalog, testOptions([shop.host], { timeoutMs: 600_000 }));
    const running = crawler.start();
    await requested;
    await crawler.stop();
    await running;
    assert.equal(catalog.get("h").attempts, 0);
    assert.equal(crawler.counters.merged, 0);
  } finally {
    await shop.close();
  }
});

Deno.test("the continuous crawler names products as they appear, then idles until stopped", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? noRobots() : page(`Name of ${url.pathname}`)
  );
  try {
    const catalog = new MemoryCatalog([{ productId: "n1", url: `${shop.origin}/n1.html` }]);
    let named: () => void = () => {};
    const twoNamed = new Promise<void>((resolve) => named = resolve);
    const crawler = new Crawler(catalog, testOptions([shop.host], { idlePollMs: 5 }));
    const running = crawler.start(() => {
      if (crawler.counters.named === 1) {
        catalog.entries.set("n2", {
          productId: "n2",
          url: `${shop.origin}/n2.html`,
          attempts: 0,
          done: false,
          httpStatus: null,
          productName: null,
        });
      }
      if (crawler.counters.named === 2) named();
    });
    await twoNamed;
    await crawler.stop();
    await running;
    assert.equal(catalog.get("n2").productName, "Name of /n2.html");
  } finally {
    await shop.close();
  }
});
