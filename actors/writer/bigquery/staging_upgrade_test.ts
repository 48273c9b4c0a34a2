import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { BigQuery } from "@google-cloud/bigquery";
import { testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import { syntheticBatch } from "../testing.ts";
import { streamRows } from "./stream_rows.ts";
import { timestamp } from "./row_encoding.ts";
import {
  createSchema,
  ensureTable,
  missingFields,
  STAGING_SPEC,
  stagingTable,
  TABLES,
} from "./schema.ts";
import { RETYPED_COLUMNS } from "../retyped_columns.ts";
import { uniqueDataset, warehouseOn } from "./testing.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const emulator = await testBigQuery();

const ADDED_LATER = ["ua_engine", "ua_cpu_architecture", "ua_is_bot_strict"];
/** The staging table as a version before the `ua_` columns declared it. */
const OLDER_SPEC = {
  ...STAGING_SPEC,
  fields: STAGING_SPEC.fields.filter((f) => !ADDED_LATER.includes(f.name)),
};

async function event(
  client: BigQuery,
  dataset: string,
  generation: number,
  state: string,
  rows: number | null,
) {
  await streamRows(client, dataset, "generation_events", [{
    insertId: `${generation}-${state}`,
    json: { generation, state, row_count: rows, at: timestamp(Date.now()) },
  }]);
}

Deno.test("BigQuery: an older version's open generation gets the ua_ columns at open, is written without them until the next seal, and exports them as NULL", async () => {
  const dataset = uniqueDataset("upgrade");
  const client = new BigQuery({ projectId: emulator.projectId, apiEndpoint: emulator.endpoint });
  // What an older version left: generation 1 open, with its table of that time.
  await createSchema(client.dataset(dataset));
  await ensureTable(client.dataset(dataset), stagingTable(1), OLDER_SPEC);
  await event(client, dataset, 1, "open", null);

  const warehouse = warehouseOn(emulator, dataset);
  await warehouse.open();
  const dir = await Deno.makeTempDir({ prefix: "bq_upgrade_" });
  try {
    const old = await warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 20 }),
      deadLetters: [],
    });
    assert.deepEqual([old.generation, old.staged], [1, 20]);
    // The columns were added at open, but the rows leave them out (streaming learns new
    // columns minutes after a change): they read NULL.
    const missing = await missingFields(client.dataset(dataset), stagingTable(1), STAGING_SPEC);
    assert.deepEqual(missing, []);
    const [held] = await warehouse.query(
      `SELECT COUNT(ua_engine) AS n FROM \`${dataset}.staging_g1\``,
    );
    assert.equal(Number(held?.n), 0);

    assert.deepEqual(await warehouse.sealGeneration(), { generation: 1, rowCount: 20 });
    await warehouse.exportParquet(1, { kind: "folder", dir: `${dir}/g1` });
    const duck = await DuckDBInstance.create(":memory:");
    const connection = await duck.connect();
    try {
      const read = await connection.runAndReadAll(
        `SELECT count(*), count(ua_engine), count(user_agent)
         FROM read_parquet('${dir}/g1/**/*.parquet')`,
      );
      assert.deepEqual(read.getRowsJS()[0]?.map(Number), [20, 0, 20]);
    } finally {
      connection.closeSync();
      duck.closeSync();
    }

    const fresh = await warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 20, count: 10 }),
      deadLetters: [],
    });
    assert.equal(fresh.generation, 2);
    const filled = await warehouse.query(
      `SELECT COUNTIF(ua_engine = 'Blink') AS engines FROM \`${dataset}.staging_g2\``,
    );
    assert.equal(Number(filled[0]?.engines), 10);
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});

/** The staging table as a version before issue 14 declared it: text where columns are typed now. */
const TEXT_SPEC = {
  ...STAGING_SPEC,
  fields: STAGING_SPEC.fields.map((f) =>
    RETYPED_COLUMNS.includes(f.name)
      ? { name: f.name, type: "STRING" as const, mode: "NULLABLE" as const }
      : f
  ),
};

Deno.test("BigQuery: an older dataset's open generation with text option/cart_products/order_id/utm_* is sealed at open and exported typed, read again with the enricher's coercion; its products table becomes the catalog", async () => {
  const dataset = uniqueDataset("retype");
  const client = new BigQuery({ projectId: emulator.projectId, apiEndpoint: emulator.endpoint });
  await createSchema(client.dataset(dataset));
  await ensureTable(client.dataset(dataset), stagingTable(1), TEXT_SPEC);
  await event(client, dataset, 1, "open", null);
  const ingestedAt = timestamp(Date.now());
  const base = { _topic: "t", _partition: 0, _ingested_at: ingestedAt, _offset_epoch: 0 };
  await streamRows(client, dataset, stagingTable(1), [
    {
      insertId: "a",
      json: {
        ...base,
        _offset: 0,
        option: '{"alloy":"white-585","category id":"12","stone 2":"ruby"}',
        order_id: "720251727",
        utm_source: "google",
      },
    },
    {
      insertId: "b",
      json: {
        ...base,
        _offset: 1,
        cart_products: '[{"product_id":110474,"amount":2,"option":"Weißgold 585"}]',
        utm_medium: "true",
        extra: '{"ab":"B"}',
      },
    },
  ]);
  await streamRows(client, dataset, "write_commits", [{
    insertId: "c",
    json: {
      generation: 1,
      topic: "t",
      kafka_partition: 0,
      from_offset: 0,
      to_offset: 1,
      batch_id: "old",
      committed_at: ingestedAt,
      epoch: 0,
    },
  }]);
  // The catalog under the name the view takes now.
  const catalog = TABLES.product_catalog;
  assert.ok(catalog !== undefined);
  await ensureTable(client.dataset(dataset), "products", catalog);
  await streamRows(client, dataset, "products", [{
    insertId: "p",
    json: { product_id: "110474", url: "https://x/1.html", _topic: "t", _partition: 0, _offset: 1 },
  }]);

  const warehouse = warehouseOn(emulator, dataset);
  await warehouse.open();
  const dir = await Deno.makeTempDir({ prefix: "bq_retype_" });
  try {
    assert.equal(await warehouse.currentGeneration(), 2);
    assert.deepEqual(await warehouse.sealedGenerations(), [{ generation: 1, rowCount: 2 }]);
    await warehouse.exportParquet(1, { kind: "folder", dir: `${dir}/g1` });
    const duck = await DuckDBInstance.create(":memory:");
    const connection = await duck.connect();
    try {
      const read = (await connection.runAndReadAll(
        `SELECT _offset, to_json(option)::VARCHAR, to_json(cart_products)::VARCHAR, order_id,
           utm_source, utm_medium, field_problems, extra
         FROM read_parquet('${dir}/g1/**/*.parquet') ORDER BY _offset`,
      )).getRowsJS();
      const [first, second] = read;
      assert.deepEqual(JSON.parse(String(first?.[1]))[0].extra, '{"stone 2":"ruby"}');
      assert.equal(JSON.parse(String(first?.[1]))[0]["category id"], "12");
      assert.deepEqual([first?.[3], first?.[4]], [720251727n, null]);
      assert.deepEqual(JSON.parse(String(first?.[7])), { utm_source: "google" });
      assert.match(String(first?.[6]), /utm_source: expected true or false/);
      const cart = JSON.parse(String(second?.[2]));
      assert.deepEqual([cart[0].amount, cart[0].extra], [2, '{"option":"Weißgold 585"}']);
      assert.equal(second?.[5], true);
      assert.deepEqual(JSON.parse(String(second?.[7])), { ab: "B" });
    } finally {
      connection.closeSync();
      duck.closeSync();
    }
    const written = await warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 10, topic: "u" }),
      deadLetters: [],
    });
    assert.equal(written.generation, 2);
    const [product] = await warehouse.query(
      `SELECT product_id, current_url, is_crawl FROM \`${dataset}.products\` WHERE product_id = '110474'`,
    );
    assert.deepEqual(product, {
      product_id: "110474",
      current_url: "https://x/1.html",
      is_crawl: false,
    });
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
