import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { loadConfig } from "../../config/config.ts";
import { runModels } from "./models_run.ts";
import { type ModelsTarget, modelsTarget } from "./models_target.ts";
import { sharedModelsBuild } from "./testing.ts";

async function query(sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(sql)).getRowsJS();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Rewrites one Parquet file through `select`, which reads it from `{t}`. */
async function tamper(file: string, select: string): Promise<void> {
  const tmp = `${file}.tampered`;
  await query(
    `COPY (${select.replace("{t}", `read_parquet('${file}') AS t`)}) TO '${tmp}' (FORMAT PARQUET)`,
  );
  await Deno.rename(tmp, file);
}

Deno.test({
  name:
    "dbt builds Silver and Gold from the Bronze the pipeline exports and every model test passes",
  sanitizeResources: false,
  fn: async () => {
    const { run, target } = await sharedModelsBuild();
    assert.equal(run.result, "success", run.error ?? "");
    const counts = run.summary?.counts;
    assert.ok(counts !== undefined);
    assert.equal(counts.model.fail + counts.test.fail + counts.unit_test.fail, 0);
    assert.ok(counts.model.ok >= 20, `models built: ${counts.model.ok}`);
    assert.ok(counts.test.ok >= 60, `data tests passed: ${counts.test.ok}`);
    assert.ok(counts.unit_test.ok >= 1, "the price parsing unit test ran");
    assert.ok((run.goldRows.gold_sales_daily ?? 0) >= 10, "two weeks of daily sales");
    const last = JSON.parse(await Deno.readTextFile(`${target.stateDir}/last_run.json`));
    assert.equal(last.result, "success");
  },
});

Deno.test({
  name:
    "Silver drops replayed events (Bronze without an epoch column is epoch 0), keeps a reset partition's new events, and its order lines add up to the generator's carts",
  sanitizeResources: false,
  fn: async () => {
    const { fixture, lake } = await sharedModelsBuild();
    const [[events, distinct] = []] = await query(
      `SELECT count(*), count(DISTINCT event_key) FROM '${lake}/silver/silver_events.parquet'`,
    );
    assert.equal(Number(events), fixture.events);
    assert.equal(Number(distinct), fixture.events);
    // The reset log's events sit at offsets the old log's events have: both count.
    const [[reset, twins] = []] = await query(
      `SELECT count(*), count(old.event_key)
       FROM '${lake}/silver/silver_events.parquet' AS new
       LEFT JOIN '${lake}/silver/silver_events.parquet' AS old
         ON old.kafka_partition = new.kafka_partition AND old.kafka_offset = new.kafka_offset
         AND old.kafka_offset_epoch = 0
       WHERE new.kafka_offset_epoch = 1`,
    );
    assert.deepEqual([Number(reset), Number(twins)], [30, 30]);
    const [[orders, lines, units] = []] = await query(
      `SELECT count(DISTINCT order_key), count(*), sum(quantity)
       FROM '${lake}/silver/silver_order_lines.parquet'`,
    );
    assert.equal(Number(orders), fixture.expected.orders);
    assert.equal(Number(lines), fixture.expected.lines);
    assert.equal(Number(units), fixture.expected.units);
    const perStore = await query(
      `SELECT store_id, sum(line_total)::DOUBLE FROM '${lake}/silver/silver_order_lines.parquet'
       GROUP BY store_id`,
    );
    assert.equal(perStore.length, fixture.expected.revenueByStore.size);
    for (const [store, revenue] of perStore) {
      const expected = fixture.expected.revenueByStore.get(String(store));
      assert.ok(expected !== undefined, `store ${store} sold nothing in the generator`);
      assert.ok(
        Math.abs(Number(revenue) - expected) < 0.01,
        `store ${store}: ${revenue} vs ${expected}`,
      );
    }
    const [[unparsed, outliers] = []] = await query(
      `SELECT count(*) FILTER (WHERE revenue_status NOT IN ('counted', 'outlier')),
              count(*) FILTER (WHERE is_outlier)
       FROM '${lake}/silver/silver_order_lines.parquet'`,
    );
    assert.equal(Number(unparsed), 0, "every generated price and currency resolves");
    assert.ok(Number(outliers) >= 1, "the bulk orders of thousands of units are flagged");
  },
});

Deno.test({
  name: "Bronze exported before watermark epochs, with the column in no file, is read as epoch 0",
  sanitizeResources: false,
  fn: async () => {
    const { fixture, lake } = await sharedModelsBuild();
    const dataDir = await Deno.makeTempDir({ prefix: "models-older-bronze-" });
    try {
      const config = loadConfig((key) => key === "DATA_DIR" ? dataDir : undefined);
      const target = modelsTarget(config);
      const older = `${target.lake}/bronze`;
      await Deno.mkdir(`${older}/user_agent`, { recursive: true });
      await Deno.mkdir(`${older}/products`, { recursive: true });
      // The fixture's old log only (the reset log's events would collide without their epoch).
      await query(
        `COPY (SELECT * EXCLUDE (_offset_epoch)
               FROM read_parquet('${lake}/bronze/summary/**/*.parquet', hive_partitioning = true,
                                 union_by_name = true)
               WHERE coalesce(_offset_epoch, 0) = 0)
         TO '${older}/summary' (FORMAT PARQUET, PARTITION_BY (dt))`,
      );
      for (const dimension of ["user_agent", "products"]) {
        await query(
          `COPY (SELECT * FROM read_parquet('${lake}/bronze/${dimension}/**/*.parquet'))
           TO '${older}/${dimension}/part-0.parquet' (FORMAT PARQUET)`,
        );
      }
      const run = await runModels(target, { args: ["--select", "stores", "stg_events"] });
      assert.equal(run.result, "success", run.error ?? "");
      const [[events, distinct, epochs] = []] = await query(
        `ATTACH '${target.env.MODELS_DUCKDB}' AS models (READ_ONLY);
         SELECT count(*), count(DISTINCT event_key), list(DISTINCT kafka_offset_epoch)
         FROM models.staging.stg_events`,
      );
      assert.equal(Number(events), fixture.events - 30);
      assert.equal(Number(distinct), fixture.events - 30);
      assert.deepEqual(epochs, [0]);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "the reconciliation tests fail when Gold or Silver stop adding up",
  sanitizeResources: false,
  fn: async () => {
    const { lake, target } = await sharedModelsBuild();
    // Put back what the tampering changes, for the dashboards' test sharing this build.
    const files = [
      `${lake}/gold/gold_sales_daily.parquet`,
      `${lake}/silver/silver_order_lines.parquet`,
      `${target.stateDir}/last_run.json`,
    ];
    for (const file of files) await Deno.copyFile(file, `${file}.kept`);
    try {
      await tamperAndTest(lake, target);
    } finally {
      for (const file of files) await Deno.rename(`${file}.kept`, file);
    }
  },
});

async function tamperAndTest(lake: string, target: ModelsTarget): Promise<void> {
  // Each change trips only its own test: Gold's daily revenue moves away from Silver's lines,
  // and Silver's units (not its revenue) move away from Bronze's carts.
  await tamper(
    `${lake}/gold/gold_sales_daily.parquet`,
    "SELECT * REPLACE (revenue_eur + 1 AS revenue_eur) FROM {t}",
  );
  await tamper(
    `${lake}/silver/silver_order_lines.parquet`,
    "SELECT * REPLACE (quantity + (line_number = 1)::INTEGER AS quantity) FROM {t}",
  );
  const checked = await runModels(target, {
    command: "test",
    args: [
      "--select",
      "gold_revenue_reconciles_with_silver_order_lines",
      "silver_order_lines_reconcile_with_bronze_cart_products",
    ],
  });
  assert.equal(checked.result, "failed");
  assert.equal(checked.summary?.counts.test.fail, 2);
  assert.match(checked.error ?? "", /gold_revenue_reconciles_with_silver_order_lines: fail/);
  assert.match(
    checked.error ?? "",
    /silver_order_lines_reconcile_with_bronze_cart_products: fail/,
  );
}

Deno.test({
  name: "the same models compile for BigQuery offline, in its dialect",
  sanitizeResources: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "models-bq-" });
    try {
      const config = loadConfig((key) =>
        ({ DATA_DIR: dataDir, WAREHOUSE: "bigquery:demo-project.clicks" })[key]
      );
      const bigquery = modelsTarget(config);
      const offline: ModelsTarget = {
        ...bigquery,
        env: {
          ...bigquery.env,
          MODELS_BIGQUERY_METHOD: "oauth-secrets",
          MODELS_BIGQUERY_TOKEN: "offline-placeholder",
          DBT_POPULATE_CACHE: "false",
        },
      };
      const compiled = await runModels(offline, { command: "compile" });
      assert.equal(compiled.result, "success", compiled.error ?? "");
      assert.ok((compiled.summary?.counts.model.ok ?? 0) >= 20, "every model compiled");
      const sql = await Deno.readTextFile(
        `${bigquery.stateDir}/target/compiled/clickstream/models/silver/silver_order_lines.sql`,
      );
      assert.match(sql, /`demo-project`\.`clicks_staging`\.`stg_checkout_lines`/);
      assert.match(sql, /regexp_contains\(/);
      assert.doesNotMatch(sql, /regexp_matches|try_cast/, "no DuckDB spellings left");
      const lines = await Deno.readTextFile(
        `${bigquery.stateDir}/target/compiled/clickstream/models/staging/stg_checkout_lines.sql`,
      );
      assert.match(lines, /unnest\(e\.cart_products\) as item with offset as pos/);
    } finally {
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
