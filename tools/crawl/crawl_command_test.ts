import assert from "node:assert/strict";
import { TestShop } from "../../actors/crawler/testing.ts";
import { magentoPage } from "../../actors/crawler/store_pages.ts";
import { columnIndex } from "../../actors/writer/batch_columns.ts";
import { DuckDBWarehouse } from "../../actors/writer/duckdb/duckdb_warehouse.ts";
import { syntheticBatch } from "../../actors/writer/testing.ts";
import { run } from "./crawl_command.ts";

Deno.test("deno task crawl names products of the configured DuckDB warehouse up to --limit", async () => {
  const shop = new TestShop((_request, url) =>
    url.pathname === "/robots.txt"
      ? new Response("", { status: 404 })
      : new Response(magentoPage({ name: `Ring ${url.pathname}`, price: "1", currency: "EUR" }))
  );
  const dir = await Deno.makeTempDir({ prefix: "crawl_command_" });
  const path = `${dir}/warehouse.duckdb`;
  const env = {
    WAREHOUSE: `duckdb:${path}`,
    CRAWL_ALLOWED_HOSTS: shop.host,
    CRAWL_RATE_PER_HOST: "1000",
  };
  try {
    const setup = new DuckDBWarehouse({ path });
    await setup.open();
    const batch = syntheticBatch({ fromOffset: 0, count: 30, products: 3 });
    const urls = batch.columns[columnIndex("current_url")] ?? [];
    for (const [row, url] of urls.entries()) {
      urls[row] = `${shop.origin}${new URL(String(url)).pathname}`;
    }
    await setup.writeBatch({ rows: batch, deadLetters: [] });
    await setup.close();
    for (const [key, value] of Object.entries(env)) Deno.env.set(key, value);
    assert.equal(await run(["--", "--limit", "2"]), 0);
    const after = new DuckDBWarehouse({ path });
    await after.open();
    try {
      assert.equal((await after.uncrawledProducts(10)).length, 1);
    } finally {
      await after.close();
    }
    assert.equal(await run(["--limit", "x"]), 2);
  } finally {
    for (const key of Object.keys(env)) Deno.env.delete(key);
    await shop.close();
    await Deno.remove(dir, { recursive: true });
  }
});
