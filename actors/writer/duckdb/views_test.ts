import assert from "node:assert/strict";
import { generatedCarts, writeAcrossTwoGenerations } from "../../../test/generated_carts.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";
import { runExport } from "../../exporter/export_run.ts";
import { FolderLake } from "../../exporter/folder_lake.ts";

Deno.test("DuckDB: SUM(cp.amount) over summary's unnested cart_products is the generator's total, across an open and a sealed generation and after an export drops one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "duckdb_views_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  try {
    const { messages, totalAmount, cartsWithAmounts } = generatedCarts(4_000);
    assert.ok(cartsWithAmounts > 100, `${cartsWithAmounts} carts with amounts`);
    const sealed = await writeAcrossTwoGenerations(warehouse, messages);
    const total = async () => {
      const [row] = await warehouse.query(
        "SELECT SUM(cp.amount) AS total FROM summary, UNNEST(cart_products) AS u(cp)",
      );
      return Number(row?.total);
    };
    assert.equal(await total(), totalAmount);
    const [counts] = await warehouse.query(
      `SELECT count(*) AS n, count(DISTINCT _offset) AS offsets,
         (SELECT count(*) FROM user_agent) AS agents,
         (SELECT count(*) FROM products WHERE NOT is_crawl) AS products
       FROM summary`,
    );
    assert.deepEqual([Number(counts?.n), Number(counts?.offsets)], [4_000, 4_000]);
    assert.ok(Number(counts?.agents) > 0 && Number(counts?.products) > 0);
    // The export of sealed generation 1 drops it: summary then shows what is not exported.
    await runExport({ warehouse, lake: new FolderLake(`${dir}/lake`) }, false);
    const [exported] = await warehouse.query(
      `SELECT SUM(cp.amount) AS total FROM read_parquet('${dir}/lake/bronze/summary/**/*.parquet'),
         UNNEST(cart_products) AS u(cp)`,
    );
    assert.equal(Number(exported?.total) + await total(), totalAmount);
    // Beside Bronze, the dimension snapshots, as the views answer.
    const [snapshots] = await warehouse.query(
      `SELECT (SELECT count(*) FROM '${dir}/lake/bronze/user_agent/part-0.parquet') AS agents,
         (SELECT count(*) FROM user_agent) AS agent_view,
         (SELECT count(*) FROM '${dir}/lake/bronze/products/part-0.parquet') AS products,
         (SELECT count(*) FROM products) AS product_view`,
    );
    assert.equal(Number(snapshots?.agents), Number(snapshots?.agent_view));
    assert.equal(Number(snapshots?.products), Number(snapshots?.product_view));
    assert.ok(Number(snapshots?.products) > 0);
    const [shown] = await warehouse.query("SELECT count(*) AS n FROM summary");
    assert.equal(Number(shown?.n), messages.length - sealed);
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("DuckDB: user_agent and products answer with the original's columns and types", async () => {
  const dir = await Deno.makeTempDir({ prefix: "duckdb_views_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  try {
    const columns = async (view: string) =>
      (await warehouse.query(
        `SELECT column_name, data_type FROM information_schema.columns
         WHERE table_name = '${view}' ORDER BY ordinal_position`,
      )).map((c) => `${c.column_name} ${c.data_type}`);
    assert.deepEqual(await columns("user_agent"), [
      "user_agent_id VARCHAR",
      "user_agent_raw VARCHAR",
      ...["browser_family", "browser_version", "os_family", "os_version", "device_family"]
        .concat(["device_brand", "device_model"]).map((c) => `${c} VARCHAR`),
      ...["is_mobile", "is_tablet", "is_touch_capable", "is_pc", "is_bot"].map((c) =>
        `${c} BOOLEAN`
      ),
    ]);
    assert.deepEqual((await columns("products")).slice(0, 4), [
      "product_id VARCHAR",
      "current_url VARCHAR",
      "is_crawl BOOLEAN",
      "product_name VARCHAR",
    ]);
    const summary = await columns("summary");
    for (
      const expected of [
        "order_id BIGINT",
        "utm_source BOOLEAN",
        "utm_medium BOOLEAN",
        "_offset BIGINT",
        "browser_family VARCHAR",
        "country VARCHAR",
      ]
    ) assert.ok(summary.includes(expected), expected);
    assert.ok(summary.some((c) => c.startsWith("cart_products STRUCT(amount BIGINT, currency")));
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
