import assert from "node:assert/strict";
import type { ActorSnapshot, SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import { actorSnapshot, supervisorSnapshot } from "../actors/runtime/snapshot_fixtures.ts";
import { dashboards } from "../dashboards/dashboards_handler.ts";
import { launchChromium } from "../test/browser/chromium.ts";
import type { PageCanvas, PageGlobals } from "../test/browser/page_dom.ts";
import { servePipelineControl } from "./control_server.ts";
import { StatusHistory } from "./status_history.ts";

const ARTIFACTS = "test-artifacts/status";
const TOKEN = "status-test-token-0123456789abcdef";

const actor = (name: string, over: Partial<ActorSnapshot> = {}): ActorSnapshot =>
  actorSnapshot(name, { processed: 1000, ...over });

/** A pipeline's /status as the wrapped control handlers answer it, changing between polls. */
function livePipeline() {
  const history = new StatusHistory(120);
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  for (let i = 0; i < 30; i++) {
    history.add({
      t: t0 + i * 5000,
      consumed: i * 100_000,
      staged: i * 99_000,
      deadLettered: i * 50,
      replayed: 0,
    });
  }
  let writerRestarts = 1;
  const tree = (): SupervisorSnapshot =>
    supervisorSnapshot("pipeline", [
      actor("geoip", { mailboxCapacity: 1 }),
      actor("writer", { restarts: writerRestarts, mailboxDepth: 2, lastError: "disk full" }),
      actor("batcher", { mailboxDepth: 3, mailboxCapacity: 8 }),
      actor("enricher", { members: 2, running: 2, mailboxDepth: 4, mailboxCapacity: 4 }),
      actor("consumer", { mailboxDepth: 10, mailboxCapacity: 64 }),
    ]);
  return {
    restartWriter: () => writerRestarts++,
    status: () => ({
      supervision: tree(),
      events: {
        consumed: 2_900_000,
        staged: 2_871_000,
        deadLettered: 1450,
        replayed: 0,
        batches: 150,
      },
      lastEndToEndLatencyMs: 1234.5678901234,
      geoipTable: "data/geoip/db5-2020-06.bin",
      eventsHistory: { everyMs: 5000, samples: history.samples() },
      partitions: [0, 1, 2, 3, 4, 5].map((partition) => ({
        partition,
        lag: partition * 1500,
        paused: partition === 5,
      })),
      deadLettersByCode: { not_json: 900, not_utf8: 300, not_object: 250 },
      lastExport: {
        finishedAt: "2026-01-01T12:02:00.000Z",
        generations: [3],
        rows: 49012,
        files: 2,
        bytes: 4518831,
        seconds: 1.9,
      },
      models: {
        afterExport: true,
        running: false,
        lastRun: {
          finishedAt: "2026-01-01T12:02:30.000Z",
          result: "success",
          goldRows: { gold_sales_daily: 14, gold_sales_overview: 1 },
        },
      },
    }),
  };
}

Deno.test({
  name:
    "the status page draws the tree, rates, lag and dead letters, and updates live without reloading",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const pipeline = livePipeline();
    const board = dashboards({ lake: undefined, stateDir: "/nonexistent" });
    const server = servePipelineControl(
      {
        export: () => Promise.reject(new Error("not in this test")),
        live: () => ({ live: true }),
        ready: () => ({ ready: true }),
        metrics: () => "",
        status: pipeline.status,
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
      await page.goto(`http://127.0.0.1:${server.port}/?token=${TOKEN}`);
      await page.waitForSelector("body[data-state=ready]");
      await page.evaluate(() => ((globalThis as unknown as { marker: number }).marker = 42));
      const actors = await page.evaluate(() =>
        [...(globalThis as unknown as PageGlobals).document.querySelectorAll("[data-actor]")]
          .map((n) => `${n.dataset.actor}:${n.dataset.state}`)
      );
      assert.deepEqual(actors, [
        "pipeline:running",
        "geoip:running",
        "writer:running",
        "batcher:running",
        "enricher:running",
        "consumer:running",
      ]);
      const writer = await page.$eval("[data-actor=writer]", (n) => n.textContent ?? "");
      assert.match(writer, /restarts 1/);
      assert.match(writer, /2\/2/, "mailbox fill shown");
      assert.match(writer, /last error: disk full/);
      const latency = await page.$eval("#kpis", (n) => n.textContent ?? "");
      assert.match(latency, /1\.2 s/, "latency in seconds, one decimal");
      const charts = await page.evaluate(() => {
        type Drawn = { data: { labels: string[]; datasets: { data: number[] }[] } };
        const chartJs = (globalThis as unknown as {
          Chart: { getChart(c: PageCanvas): Drawn | undefined };
        }).Chart;
        const { document } = globalThis as unknown as PageGlobals;
        return [...document.querySelectorAll("canvas[data-chart]")].map((c) => {
          const chart = chartJs.getChart(c);
          return {
            id: c.dataset.chart,
            labels: chart?.data.labels ?? [],
            first: chart?.data.datasets[0]?.data ?? [],
          };
        });
      });
      const byId = Object.fromEntries(charts.map((c) => [c.id, c]));
      assert.equal(byId.rates?.labels.length, 29, "a rate between each pair of samples");
      assert.ok(
        byId.rates?.first.every((v: number) => Math.abs(v - 20_000) < 1e-6),
        "100k per 5 s",
      );
      assert.deepEqual(byId.lag?.labels, ["p0", "p1", "p2", "p3", "p4", "p5 (paused)"]);
      assert.deepEqual(byId.lag?.first, [0, 1500, 3000, 4500, 6000, 7500]);
      assert.deepEqual(byId.dead?.labels, ["not_json", "not_utf8", "not_object"]);
      assert.deepEqual(byId.dead?.first, [900, 300, 250]);
      const models = await page.$eval("#models", (n) => n.textContent ?? "");
      assert.match(models, /success/);
      assert.match(models, /15/, "Gold rows of the last run");
      const geo = await page.$eval("#geo", (n) => n.textContent ?? "");
      assert.match(geo, /db5-2020-06\.bin/);
      await page.screenshot({ path: `${ARTIFACTS}/status.png`, fullPage: true });
      pipeline.restartWriter();
      await page.waitForFunction(
        () =>
          /restarts 2/.test(
            (globalThis as unknown as PageGlobals).document.querySelector("[data-actor=writer]")
              ?.textContent ?? "",
          ),
        { timeout: 10_000 },
      );
      const marker = await page.evaluate(() =>
        (globalThis as unknown as { marker?: number }).marker
      );
      assert.equal(marker, 42, "the page updated in place, without a reload");
      assert.deepEqual(problems, []);
    } finally {
      await chromium.close();
      await server.shutdown();
      await board.close();
    }
  },
});
