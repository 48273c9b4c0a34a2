import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { BigQuery } from "@google-cloud/bigquery";
import { testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import { syntheticBatch } from "../testing.ts";
import { TEST_RETRY } from "../warehouse_contract.ts";
import { streamRows } from "./stream_rows.ts";
import { BigQueryWarehouse } from "./bigquery_warehouse.ts";
import { timestamp } from "./row_encoding.ts";
import { createSchema, ensureTable, missingFields, STAGING_SPEC, stagingTable } from "./schema.ts";
import { uniqueDataset } from "./testing.ts";

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

  const warehouse = new BigQueryWarehouse({
    projectId: emulator.projectId,
    dataset,
    apiEndpoint: emulator.endpoint,
    credentials: "none",
    retry: TEST_RETRY,
    quotaRetry: TEST_RETRY,
  });
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
