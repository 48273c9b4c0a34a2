import assert from "node:assert/strict";
import { columnIndex } from "../writer/batch_columns.ts";
import { DuckDBWarehouse } from "../writer/duckdb/duckdb_warehouse.ts";
import { syntheticBatch } from "../writer/testing.ts";
import { TEST_RETRY } from "../writer/warehouse_contract.ts";
import { Crawler } from "./crawler.ts";
import { magentoPage } from "./store_pages.ts";
import { testOptions, TestShop } from "./testing.ts";

Deno.test("products of ingested events are crawled and named in the DuckDB catalog", async () => {
  const shop = new TestShop((_request, url) => {
    if (url.pathname === "/robots.txt") return new Response("User-agent: *\nAllow: /\n");
    const id = /glamira-ring-(\d+)\.html/.exec(url.pathname)?.[1];
    if (id === "100001") return new Response("gone", { status: 404 });
    return new Response(magentoPage({ name: `Ring ${id}`, price: "10.00", currency: "EUR" }), {
      headers: { "content-type": "text/html" },
    });
  });
  const dir = await Deno.makeTempDir({ prefix: "crawler_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb`, retry: TEST_RETRY });
  try {
    await warehouse.open();
    const batch = syntheticBatch({ fromOffset: 0, count: 40, products: 4 });
    // The events' page URLs point at the local shop, path kept: they are fetched as they are.
    const urls = batch.columns[columnIndex("current_url")] ?? [];
    for (const [row, url] of urls.entries()) {
      const u = new URL(String(url));
      urls[row] = `${shop.origin}${u.pathname}${u.search}`;
    }
    await warehouse.writeBatch({ rows: batch, deadLetters: [] });
    const crawler = new Crawler(warehouse, testOptions([shop.host]));
    const summary = await crawler.runOnce({ limit: 100 });
    assert.equal(summary.products, 4);
    assert.equal(summary.counters.merged, 4);
    assert.deepEqual(await warehouse.uncrawledProducts(10), []);
    const rows = await warehouse.query(
      "SELECT product_id, product_name, http_status, attempts, is_crawled FROM product_catalog ORDER BY 1",
    );
    assert.deepEqual(rows.map((r) => [r.product_id, r.product_name, r.http_status, r.attempts]), [
      ["100000", "Ring 100000", 200, 1],
      ["100001", null, 404, 1],
      ["100002", "Ring 100002", 200, 1],
      ["100003", "Ring 100003", 200, 1],
    ]);
  } finally {
    await warehouse.close();
    await shop.close();
    await Deno.remove(dir, { recursive: true });
  }
});
