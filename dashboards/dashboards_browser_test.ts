import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { servePipelineControl } from "../control/control_server.ts";
import type { PageCanvas, PageGlobals } from "../test/browser/page_dom.ts";
import { launchChromium } from "../test/browser/chromium.ts";
import { sharedModelsBuild } from "../tools/models/testing.ts";
import { dashboards } from "./dashboards_handler.ts";
import { PAGES } from "./dashboard_specs.ts";

/** Where the screenshots go (gitignored; CI keeps them as artifacts). */
const ARTIFACTS = "test-artifacts/dashboards";
const TOKEN = "dashboards-test-token-0123456789abcdef";

type Series = { labels: string[]; values: number[][] };

/** What each chart must show, asked of Gold independently of the dashboards' own queries. */
function expectations(gold: (t: string) => string): Record<string, string> {
  return {
    "daily-revenue": `SELECT order_date::VARCHAR, revenue_eur FROM ${
      gold("gold_sales_daily")
    } ORDER BY 1`,
    "daily-orders": `SELECT order_date::VARCHAR, orders, customers FROM ${
      gold("gold_sales_daily")
    } ORDER BY 1`,
    "revenue-by-country": `SELECT country, revenue_eur FROM ${
      gold("gold_revenue_by_country")
    } ORDER BY 2 DESC, 1 LIMIT 12`,
    "revenue-by-currency": `SELECT currency_code, revenue_eur FROM ${
      gold("gold_revenue_by_currency")
    } ORDER BY 2 DESC, 1 LIMIT 12`,
    "top-products-revenue": `SELECT product_name, revenue_eur FROM ${
      gold("gold_top_products")
    } ORDER BY revenue_eur DESC, product_id LIMIT 10`,
    "top-products-units": `SELECT product_name, units FROM ${
      gold("gold_top_products")
    } ORDER BY units DESC, product_id LIMIT 10`,
    "sales-velocity": `SELECT product_name, units_per_day FROM ${
      gold("gold_top_products")
    } ORDER BY units_per_day DESC, product_id LIMIT 10`,
    "metal-preferences": `SELECT value_label, units FROM ${
      gold("gold_material_preferences")
    } WHERE option_group = 'alloy' ORDER BY 2 DESC, 1`,
    "stone-preferences": `SELECT value_label, sum(units) FROM ${
      gold("gold_material_preferences")
    } WHERE option_group <> 'alloy' GROUP BY 1 ORDER BY 2 DESC, 1 LIMIT 12`,
    "revenue-by-region": `SELECT region || ' (' || max(country_code) || ')', sum(revenue_eur)
      FROM ${gold("gold_revenue_by_city")} GROUP BY country, region ORDER BY 2 DESC, 1 LIMIT 12`,
    "revenue-by-city": `SELECT city || ' (' || country_code || ')', revenue_eur FROM ${
      gold("gold_revenue_by_city")
    } ORDER BY 2 DESC, 1 LIMIT 12`,
    "orders-by-device": `SELECT device_type, orders FROM ${
      gold("gold_transactions_by_device")
    } ORDER BY 2 DESC, 1`,
    "orders-by-browser": `SELECT browser_family, orders FROM ${
      gold("gold_transactions_by_browser")
    } ORDER BY 2 DESC, 1 LIMIT 10`,
  };
}

async function goldSeries(lake: string): Promise<Record<string, Series>> {
  const gold = (t: string) => `read_parquet('${lake}/gold/${t}.parquet')`;
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    const out: Record<string, Series> = {};
    for (const [id, sql] of Object.entries(expectations(gold))) {
      const rows = (await db.runAndReadAll(sql)).getRowsJS();
      out[id] = {
        labels: rows.map((r) => String(r[0])),
        values: rows.map((r) => r.slice(1).map((v) => Number(v))),
      };
    }
    return out;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** What the page's charts hold and whether each one painted pixels. */
interface DrawnChart {
  id: string;
  labels: string[];
  datasets: number[][];
  elements: number;
  paintedPixels: number;
}

Deno.test({
  name: "each dashboard page loads cleanly in Chromium and its charts show Gold's numbers",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const { lake, target, run } = await sharedModelsBuild();
    assert.equal(run.result, "success", run.error ?? "");
    const expected = await goldSeries(lake);
    const board = dashboards({ lake, stateDir: target.stateDir });
    const server = servePipelineControl(
      {
        export: () => Promise.reject(new Error("not in this test")),
        live: () => ({ live: true }),
        ready: () => ({ ready: true }),
        metrics: () => "",
        status: () => ({}),
      },
      { host: "127.0.0.1", port: 0, token: TOKEN },
      [board.route],
    );
    const chromium = await launchChromium();
    await Deno.mkdir(ARTIFACTS, { recursive: true });
    try {
      const page = await chromium.browser.newPage();
      await page.setViewport({ width: 1440, height: 900 });
      const problems: string[] = [];
      page.on("console", (m) => {
        if (m.type() === "error" || m.type() === "warn") problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
      const unauthorized = await fetch(`http://127.0.0.1:${server.port}/dashboards/sales`);
      assert.equal(unauthorized.status, 401, "the dashboards sit behind the control token");
      await unauthorized.body?.cancel();
      for (const spec of PAGES) {
        const url = `http://127.0.0.1:${server.port}/dashboards/${spec.slug}?token=${TOKEN}`;
        const response = await page.goto(url);
        assert.equal(response?.status(), 200, spec.slug);
        await page.waitForSelector("body:not([data-state=loading])");
        const state = await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).document.body.dataset.state
        );
        assert.equal(state, "ready", `${spec.slug}: ${problems.join("; ")}`);
        await page.screenshot({ path: `${ARTIFACTS}/${spec.slug}.png`, fullPage: true });
        const range = await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).document.getElementById("range")?.textContent
        );
        assert.match(range ?? "", /^Orders from \d{4}-\d\d-\d\d to \d{4}-\d\d-\d\d\.$/);
        const fresh = await page.evaluate(() =>
          (globalThis as unknown as PageGlobals).document.getElementById("freshness")?.textContent
        );
        assert.match(fresh ?? "", /Data through \d{4}-.* UTC; Gold built .*: success\)\./);
        const drawn: DrawnChart[] = await page.evaluate(() => {
          const { document } = globalThis as unknown as PageGlobals;
          const charts = [...document.querySelectorAll("canvas[data-chart]")];
          return charts.map((canvas) => {
            // The page's Chart.js global, as far as this check reads it.
            type Drawn = {
              data: { labels: string[]; datasets: { data: number[] }[] };
              getDatasetMeta(i: number): { data: unknown[] };
            };
            const chart = (globalThis as unknown as {
              Chart: { getChart(c: PageCanvas): Drawn | undefined };
            }).Chart.getChart(canvas);
            const pixels = canvas.getContext("2d")!.getImageData(
              0,
              0,
              canvas.width,
              canvas.height,
            ).data;
            let painted = 0;
            for (let i = 3; i < pixels.length; i += 4) if (pixels[i]! > 0) painted++;
            return {
              id: canvas.dataset.chart ?? "",
              labels: chart?.data.labels ?? [],
              datasets: (chart?.data.datasets ?? []).map((d) => d.data),
              elements: chart?.getDatasetMeta(0).data.length ?? 0,
              paintedPixels: painted,
            };
          });
        });
        assert.deepEqual(drawn.map((c) => c.id), spec.charts.map((c) => c.id));
        for (const chart of drawn) {
          const want = expected[chart.id];
          assert.ok(want !== undefined, `no expectation for chart ${chart.id}`);
          assert.ok(want.labels.length > 0, `${chart.id}: Gold has rows to show`);
          assert.deepEqual(chart.labels, want.labels, `${chart.id} labels`);
          want.values[0]?.forEach((_, series) => {
            const shown = chart.datasets[series] ?? [];
            const gold = want.values.map((row) => row[series] ?? NaN);
            assert.equal(shown.length, gold.length, `${chart.id} series ${series}`);
            shown.forEach((v, i) =>
              assert.ok(
                Math.abs(v - (gold[i] ?? NaN)) <= 0.005,
                `${chart.id}[${i}] shows ${v}, Gold has ${gold[i]}`,
              )
            );
          });
          assert.equal(chart.elements, want.labels.length, `${chart.id} drew every element`);
          assert.ok(chart.paintedPixels > 2_000, `${chart.id} painted ${chart.paintedPixels} px`);
        }
      }
      assert.deepEqual(problems, [], "no console errors, warnings or failed requests");
    } finally {
      await chromium.close();
      await server.shutdown();
      await board.close();
    }
  },
});
