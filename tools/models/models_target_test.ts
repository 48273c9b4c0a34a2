import assert from "node:assert/strict";
import { loadConfig } from "../../config/config.ts";
import { modelsTarget } from "./models_target.ts";

const config = (env: Record<string, string>) => loadConfig((key) => env[key]);

Deno.test("the embedded target reads the lake folder and keeps its own DuckDB file", () => {
  const target = modelsTarget(config({ DATA_DIR: "/srv/data" }));
  assert.equal(target.kind, "duckdb");
  assert.equal(target.lake, "/srv/data/lake");
  assert.equal(target.env.MODELS_LAKE, "/srv/data/lake");
  assert.equal(target.env.MODELS_DUCKDB, "/srv/data/models/models.duckdb");
  assert.notEqual(target.env.MODELS_DUCKDB, "/srv/data/warehouse.duckdb");
});

Deno.test("a BigQuery warehouse makes the models run on its dataset's Bronze views", () => {
  const target = modelsTarget(config({ WAREHOUSE: "bigquery:my-project.clicks" }));
  assert.equal(target.kind, "bigquery");
  assert.equal(target.env.MODELS_BIGQUERY_PROJECT, "my-project");
  assert.equal(target.env.MODELS_BRONZE_DATASET, "clicks");
  assert.equal(target.lake, undefined);
});

Deno.test("DuckDB models over a gs:// lake are refused with what to set instead", () => {
  assert.throws(
    () => modelsTarget(config({ LAKE: "gs://bucket/lake" })),
    (error: unknown) => error instanceof RangeError && /set LAKE to a folder/.test(error.message),
  );
});
