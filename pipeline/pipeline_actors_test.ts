import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { exportsServerSide } from "./pipeline_actors.ts";

const config = (env: Record<string, string>) => resolveConfig([(key) => env[key]], () => "");

Deno.test("BigQuery writes Parquet straight into a gs:// lake, unless an emulator stands in for it", () => {
  const bigquery = { WAREHOUSE: "bigquery:my-project.clickstream" };
  assert.equal(exportsServerSide(config({ ...bigquery, LAKE: "gs://bucket/lake" })), true);
  assert.equal(
    exportsServerSide(
      config({ ...bigquery, LAKE: "gs://bucket/lake", BIGQUERY_ENDPOINT: "http://127.0.0.1:9050" }),
    ),
    false,
    "the emulator runs no EXPORT DATA: the rows are paged out and written locally",
  );
  assert.equal(exportsServerSide(config({ ...bigquery, LAKE: "/srv/lake" })), false);
  assert.equal(exportsServerSide(config({ LAKE: "gs://bucket/lake" })), false, "DuckDB");
});
