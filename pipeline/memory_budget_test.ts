import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { DUCKDB_MEMORY_LIMIT_MB } from "../messages/writer.ts";
import { duckdbLimitBytes, memoryBudget } from "./memory_budget.ts";

const sizes = { kafkaBytes: 1_000, rowBytes: 500 };
const pipeline = resolveConfig([() => undefined], () => "").pipeline;

Deno.test("the budget of the default settings names every in-flight buffer and DuckDB's cap", () => {
  const lines = memoryBudget(pipeline, sizes);
  assert.deepEqual(lines.map((l) => l.what), [
    "Kafka fetch",
    "consumer -> enrichers",
    "enrichers -> batcher",
    "open batch",
    "batcher -> writer",
    "recycled buffers",
    "DuckDB",
  ]);
  assert.ok(lines.every((l) => l.bytes > 0));
  assert.equal(lines.at(-1)?.bytes, 128_000_000);
  assert.equal(DUCKDB_MEMORY_LIMIT_MB, 128);
});

Deno.test("a batch weighs its rows, or BATCH_MAX_BYTES when that is smaller", () => {
  const open = (rows: number, maxBytes: number) =>
    memoryBudget({ ...pipeline, batchMaxRows: rows, batchMaxBytes: maxBytes }, sizes)
      .find((l) => l.what === "open batch")?.bytes;
  assert.equal(open(10_000, pipeline.batchMaxBytes), 10_000 * 500);
  assert.equal(open(1_000_000, 2 * 1024 * 1024), 2 * 1024 * 1024);
});

Deno.test("more enrichers hold more chunks in flight, and the budget grows with them", () => {
  const inFlight = (enrichers: number) =>
    memoryBudget({ ...pipeline, enrichers }, sizes).find((l) => l.what === "consumer -> enrichers")
      ?.bytes ?? 0;
  assert.ok(inFlight(4) > inFlight(1));
});

Deno.test("a chunk weighs at most a partition's share of a fetch, whatever CHUNK_SIZE says", () => {
  const chunks = (chunkSize: number) =>
    memoryBudget({ ...pipeline, chunkSize }, sizes).find((l) => l.what === "consumer -> enrichers")
      ?.bytes;
  assert.equal(chunks(5_000), chunks(10_000));
  assert.ok((chunks(100) ?? 0) < (chunks(5_000) ?? 0));
});

Deno.test("DuckDB's line is the configured cap: DUCKDB_MEMORY_LIMIT_MB, none for BigQuery", () => {
  const warehouse = (vars: Record<string, string>) =>
    resolveConfig([(key) => vars[key]], () => "").warehouse;
  assert.equal(duckdbLimitBytes(warehouse({})), 128_000_000);
  const bytes = duckdbLimitBytes(warehouse({ DUCKDB_MEMORY_LIMIT_MB: "384" }));
  assert.equal(bytes, 384_000_000);
  assert.equal(memoryBudget(pipeline, sizes, bytes).at(-1)?.bytes, 384_000_000);
  assert.equal(duckdbLimitBytes(warehouse({ WAREHOUSE: "bigquery:my-project-1.clicks" })), 0);
});

Deno.test("each thread that makes large messages may keep up to its pool's bound for reuse", () => {
  const recycled = (enrichers: number) =>
    memoryBudget({ ...pipeline, enrichers }, sizes).find((l) => l.what === "recycled buffers")
      ?.bytes;
  assert.equal(recycled(2), 5 * 32 * 1024 * 1024);
  assert.equal(recycled(4), 7 * 32 * 1024 * 1024);
});
