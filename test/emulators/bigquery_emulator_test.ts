import assert from "node:assert/strict";
import { BigQuery } from "@google-cloud/bigquery";
import { testBigQuery } from "./bigquery_emulator.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const emulator = await testBigQuery();

Deno.test("the emulator adds the fields a tables.patch adds, keeping the rows, as BigQuery does", async () => {
  const client = new BigQuery({ projectId: emulator.projectId, apiEndpoint: emulator.endpoint });
  const name = `patch_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
  const dataset = client.dataset(name);
  await dataset.create();
  const a = { name: "a", type: "INT64", mode: "REQUIRED" };
  await dataset.createTable("t", { schema: { fields: [a] } });
  const table = dataset.table("t");
  await table.insert([{ insertId: "1", json: { a: 1 } }], { raw: true });
  await table.setMetadata({
    schema: {
      fields: [
        a,
        { name: "b", type: "INT64", mode: "NULLABLE" },
        { name: "c", type: "STRING", mode: "REPEATED" },
      ],
    },
  });
  await table.insert([{ insertId: "2", json: { a: 2, b: 5, c: ["x"] } }], { raw: true });
  const [rows] = await client.query({ query: `SELECT a, b, c FROM ${name}.t ORDER BY a` });
  assert.deepEqual(rows, [{ a: 1, b: null, c: [] }, { a: 2, b: 5, c: ["x"] }]);
});
