import assert from "node:assert/strict";
import { summarizeRunResults } from "./run_results.ts";

const result = (unique_id: string, status: string, message: string | null = null) => ({
  unique_id,
  status,
  execution_time: 0.1,
  message,
});

Deno.test("run results are counted per kind and outcome, with failures named", () => {
  const summary = summarizeRunResults({
    elapsed_time: 4.2,
    results: [
      result("model.clickstream.silver_events", "success"),
      result(
        "model.clickstream.gold_sales_daily",
        "error",
        "\u001b[31mBinder Error\u001b[0m: x\nmore",
      ),
      result("test.clickstream.unique_silver_events_event_key", "pass"),
      result("test.clickstream.unparsed_prices_are_rare", "warn"),
      result("test.clickstream.gold_revenue_reconciles", "fail", "Got 2 results"),
      result("unit_test.clickstream.silver_order_lines.prices", "pass"),
      result("seed.clickstream.currencies", "success"),
      result("test.clickstream.skipped_one", "skipped"),
    ],
  });
  assert.equal(summary.seconds, 4.2);
  assert.deepEqual(summary.counts.model, { ok: 1, warn: 0, fail: 1, skipped: 0 });
  assert.deepEqual(summary.counts.test, { ok: 1, warn: 1, fail: 1, skipped: 1 });
  assert.deepEqual(summary.counts.unit_test, { ok: 1, warn: 0, fail: 0, skipped: 0 });
  assert.deepEqual(summary.counts.seed, { ok: 1, warn: 0, fail: 0, skipped: 0 });
  assert.deepEqual(summary.problems, [
    "model.clickstream.gold_sales_daily: error (Binder Error: x)",
    "test.clickstream.gold_revenue_reconciles: fail (Got 2 results)",
  ]);
});

Deno.test("run results of an unexpected shape are refused with what does not fit", () => {
  assert.throws(
    () => summarizeRunResults({ results: "nope" }),
    (error: unknown) => error instanceof TypeError && /run_results\.json/.test(error.message),
  );
});
