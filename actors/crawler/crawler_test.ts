import assert from "node:assert/strict";
import { Crawler, type ProductReport } from "./crawler.ts";
import { magentoPage, malformedPage, microdataPage, scriptShellPage } from "./store_pages.ts";
import { MemoryCatalog, testOptions, TestShop } from "./testing.ts";

const html = (body: string, status = 200) =>
  new Response(body, { status, headers: { "content-type": "text/html; charset=utf-8" } });

Deno.test("names are extracted from three store layouts and merged into the catalog", async () => {
  const shop = new TestShop((_request, url) => {
    switch (url.pathname) {
      case "/ring-aurora.html":
        return html(magentoPage({ name: "Damenring Aurora", price: "1290.00", currency: "EUR" }));
      case "/fr/bague-elan.html":
        return html(microdataPage({ name: "Bague Élan", price: "849.50", currency: "CHF" }));
      case "/es/anillo-sol.html":
        return html(scriptShellPage({ name: "Anillo Sol", price: "399", currency: "USD" }));
      default:
        return html("not here", 404);
    }
  });
  try {
    const catalog = new MemoryCatalog([
      { productId: "1", url: `${shop.origin}/ring-aurora.html?alloy=white-585&diamond=sapphire` },
      { productId: "2", url: `${shop.origin}/fr/bague-elan.html` },
      { productId: "3", url: `${shop.origin}/es/anillo-sol.html` },
    ]);
    const reports: ProductReport[] = [];
    const crawler = new Crawler(catalog, testOptions([shop.host]));
    const summary = await crawler.runOnce({ limit: 10, onProduct: (r) => reports.push(r) });
    assert.equal(summary.products, 3);
    assert.deepEqual(
      ["1", "2", "3"].map((id) => [catalog.get(id).productName, catalog.get(id).httpStatus]),
      [["Damenring Aurora", 200], ["Bague Élan", 200], ["Anillo Sol", 200]],
    );
    assert.ok([...catalog.entries.values()].every((e) => e.done && e.attempts === 1));
    const prices = reports.map((r) => r.outcome.kind === "crawled" ? r.outcome.facts : undefined)
      .map((f) => `${f?.price} ${f?.currency}`).sort();
    assert.deepEqual(prices, ["1290 EUR", "399 USD", "849.5 CHF"]);
    assert.equal(summary.counters.named, 3);
    assert.equal(summary.counters.merged, 3);
    assert.ok(shop.requests.every((r) => r.userAgent?.startsWith("GlamiraNameBot/1.0")));
  } finally {
    await shop.close();
  }
});

Deno.test("403 and 404 count as crawled without a name, keeping the status", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/blocked.html" ? html("Access denied", 403) : html("Not found", 404)
  );
  try {
    const catalog = new MemoryCatalog([
      { productId: "a", url: `${shop.origin}/blocked.html` },
      { productId: "b", url: `${shop.origin}/gone.html` },
    ]);
    const summary = await new Crawler(catalog, testOptions([shop.host])).runOnce({ limit: 5 });
    assert.deepEqual(
      [catalog.get("a"), catalog.get("b")].map((e) => [e.done, e.httpStatus, e.productName]),
      [[true, 403, null], [true, 404, null]],
    );
    assert.equal(summary.counters.forbidden, 1);
    assert.equal(summary.counters.notFound, 1);
    assert.equal(shop.count("/blocked.html") + shop.count("/gone.html"), 2, "no retries");
  } finally {
    await shop.close();
  }
});

Deno.test("malformed HTML is crawled without throwing and still named", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt" ? html("", 404) : html(malformedPage("Ring Nova"))
  );
  try {
    const catalog = new MemoryCatalog([{ productId: "m", url: `${shop.origin}/nova.html` }]);
    await new Crawler(catalog, testOptions([shop.host])).runOnce({ limit: 1 });
    assert.equal(catalog.get("m").done, true);
    assert.match(catalog.get("m").productName ?? "", /^Ring Nova/);
  } finally {
    await shop.close();
  }
});

Deno.test("a 50 MB body is read only up to the byte cap, then its connection closes", async () => {
  const total = 50 * 1024 * 1024;
  const chunk = new TextEncoder().encode(`<div class="filler">${"x".repeat(65_000)}</div>`);
  let served = 0;
  let cancelled = false;
  const shop = new TestShop((_request, url) => {
    if (url.pathname === "/robots.txt") return html("", 404);
    const head = magentoPage({ name: "Kette Lumen", price: "99.00", currency: "EUR" })
      .replace("</body></html>", "");
    const body = new ReadableStream<Uint8Array>({
      start: (controller) => controller.enqueue(new TextEncoder().encode(head)),
      pull: (controller) => {
        if (served >= total) return controller.close();
        served += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel: () => {
        cancelled = true;
      },
    });
    return new Response(body, { headers: { "content-type": "text/html" } });
  });
  try {
    const catalog = new MemoryCatalog([{ productId: "big", url: `${shop.origin}/huge.html` }]);
    const crawler = new Crawler(catalog, testOptions([shop.host], { maxBytes: 256 * 1024 }));
    const summary = await crawler.runOnce({ limit: 1 });
    assert.equal(catalog.get("big").productName, "Kette Lumen");
    assert.equal(summary.counters.truncated, 1);
    // Read from the socket: the cap, plus the head and at most one 16 KiB read past it.
    const received = summary.counters.bytesReceived;
    assert.ok(received <= 256 * 1024 + 16 * 1024 + 1024, `received ${received} bytes`);
    await shop.close();
    assert.ok(served < total / 5, `the server streamed ${served} bytes before the cut`);
    assert.equal(cancelled, true);
  } finally {
    await shop.close();
  }
});
