import assert from "node:assert/strict";
import { rawStatus } from "../test/raw_http.ts";
import { freePorts } from "../test/free_port.ts";
import { parsePrometheus } from "../test/prometheus.ts";
import { Registry } from "../observability/metrics.ts";
import {
  type ControlHandlers,
  type ControlServer,
  type ControlServerOptions,
  type Route,
  servePipelineControl,
} from "./control_server.ts";

const TOKEN = "0123456789abcdef0123456789abcdef-token";
const auth = { authorization: `Bearer ${TOKEN}` };

function handlers(overrides: Partial<ControlHandlers> = {}): ControlHandlers {
  const registry = new Registry();
  registry.inc("pipeline_events_received_total", "Events", { actor: "consumer" }, 3);
  return {
    export: () => Promise.resolve({ generation: 1, rows: 10 }),
    live: () => ({ live: true }),
    ready: () => ({ ready: false, reason: "consumer lag rising" }),
    metrics: () => registry.render(),
    status: () => ({ actors: [{ id: "writer", state: "running", restarts: 0 }] }),
    ...overrides,
  };
}

async function withServer(
  h: ControlHandlers,
  fn: (base: string, server: ControlServer) => Promise<void>,
  options: Partial<Omit<ControlServerOptions, "routes">> = {},
) {
  const server = servePipelineControl(h, { host: "127.0.0.1", port: 0, token: TOKEN, ...options });
  try {
    await fn(`http://127.0.0.1:${server.port}`, server);
  } finally {
    await server.shutdown();
  }
}

async function status(response: Response): Promise<number> {
  await response.body?.cancel();
  return response.status;
}

Deno.test("a wrong or missing token gets 401 with a hint, and probes on loopback need none", async () => {
  await withServer(handlers(), async (base) => {
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error, /Authorization: Bearer/);
    assert.equal(await status(await fetch(`${base}/export`, { method: "POST" })), 401);
    const health = await fetch(`${base}/health`);
    assert.deepEqual(await health.json(), { live: true });
    const ready = await fetch(`${base}/ready`);
    assert.equal(ready.status, 503);
    assert.deepEqual(await ready.json(), { ready: false, reason: "consumer lag rising" });
  });
});

Deno.test("/metrics with the token parses as Prometheus text", async () => {
  await withServer(handlers(), async (base) => {
    const response = await fetch(`${base}/metrics`, { headers: auth });
    assert.match(response.headers.get("content-type") ?? "", /text\/plain; version=0.0.4/);
    const families = parsePrometheus(await response.text());
    assert.equal(families[0]?.name, "pipeline_events_received_total");
  });
});

Deno.test("POST /export takes the token from the Authorization header only, never from ?token=", async () => {
  let exports = 0;
  const h = handlers({ export: () => Promise.resolve({ generation: ++exports, rows: 10 }) });
  await withServer(h, async (base) => {
    const byQuery = await fetch(`${base}/export?token=${TOKEN}`, { method: "POST" });
    assert.equal(await status(byQuery), 401);
    assert.equal(exports, 0);
    const ok = await fetch(`${base}/export`, { method: "POST", headers: auth });
    assert.deepEqual(await ok.json(), { generation: 1, rows: 10 });
  });
});

Deno.test("?token= opens only the status page, and an empty or short token opens nothing", async () => {
  await withServer(handlers(), async (base) => {
    assert.equal(await status(await fetch(`${base}/?token=${TOKEN}`)), 200);
    assert.equal(await status(await fetch(`${base}/status?token=${TOKEN}`)), 401);
    assert.equal(await status(await fetch(`${base}/?token=`)), 401);
    assert.equal(await status(await fetch(`${base}/?token=${TOKEN.slice(0, 8)}`)), 401);
    const empty = await fetch(`${base}/status`, { headers: { authorization: "Bearer " } });
    assert.equal(await status(empty), 401);
  });
  assert.throws(
    () => servePipelineControl(handlers(), { host: "127.0.0.1", port: 0, token: "" }),
    /token of 0 characters: it needs at least 32/,
  );
});

Deno.test("a Host other than the server's own loopback name and port gets 421 (DNS rebinding)", async () => {
  await withServer(handlers(), async (_base, server) => {
    const get = (host: string) =>
      rawStatus(server.port, `GET /health HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`);
    assert.equal(await get("evil.example"), 421);
    assert.equal(await get(`evil.example:${server.port}`), 421);
    assert.equal(await get(`127.0.0.1:${server.port + 1}`), 421);
    assert.equal(await get(`127.0.0.1:${server.port}`), 200);
    assert.equal(await get(`LOCALHOST:${server.port}`), 200);
  });
});

Deno.test("a failing export answers 500 with an id, never the error's own text", async () => {
  const failing = handlers({
    export: () => Promise.reject(new Error("disk /secret/path is full")),
  });
  await withServer(failing, async (base) => {
    const failed = await fetch(`${base}/export`, { method: "POST", headers: auth });
    assert.equal(failed.status, 500);
    const body = await failed.json();
    assert.match(body.id, /^[0-9a-f-]{36}$/);
    assert.match(body.error, new RegExp(`ControlRequestFailed, id ${body.id}`));
    assert.doesNotMatch(JSON.stringify(body), /secret/);
  });
});

Deno.test("the status page sends no referrer, loads only its own assets with its token, and unknown routes say what exists", async () => {
  await withServer(handlers(), async (base) => {
    const page = await fetch(`${base}/?token=${TOKEN}`);
    assert.equal(page.headers.get("referrer-policy"), "no-referrer");
    assert.match(page.headers.get("content-security-policy") ?? "", /script-src 'self'/);
    const html = await page.text();
    assert.match(html, new RegExp(`src="/dashboards/assets/status\\.js\\?token=${TOKEN}"`));
    assert.doesNotMatch(html, /https?:\/\//, "nothing from elsewhere");
    const missing = await fetch(`${base}/nope`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error, /POST \/export/);
    assert.equal(await status(await fetch(`${base}/export`, { headers: auth })), 405);
  });
});

Deno.test("exposed beyond loopback every route needs the token; METRICS_PORT opts probes and scrapes out", async () => {
  const [metricsPort] = freePorts(1) as [number];
  // `requireTokenEverywhere` is what a non-loopback CONTROL_HOST sets; tests bind loopback only.
  await withServer(handlers(), async (base, server) => {
    for (const path of ["/health", "/ready", "/metrics"]) {
      assert.equal(await status(await fetch(`${base}${path}`)), 401, path);
    }
    assert.equal(await status(await fetch(`${base}/health`, { headers: auth })), 200);
    assert.equal(server.metricsPort, metricsPort);
    const scrape = `http://127.0.0.1:${metricsPort}`;
    const families = parsePrometheus(await (await fetch(`${scrape}/metrics`)).text());
    assert.equal(families[0]?.name, "pipeline_events_received_total");
    assert.equal(await status(await fetch(`${scrape}/health`)), 200);
    assert.equal(await status(await fetch(`${scrape}/ready`)), 503);
    assert.equal(await status(await fetch(`${scrape}/status`, { headers: auth })), 404);
    assert.equal(
      await status(await fetch(`${scrape}/export`, { method: "POST", headers: auth })),
      404,
    );
  }, { requireTokenEverywhere: true, metricsPort });
});

Deno.test("one more Route mounts a page under a prefix, with the page's token rules", async () => {
  const dashboards: Route = {
    method: "GET",
    path: "/dashboards/*",
    access: "token",
    page: true,
    handle: (_request, url) =>
      url.pathname === "/dashboards"
        ? Response.redirect("http://127.0.0.1/dashboards/sales", 302)
        : new Response(`chart ${url.pathname}`),
  };
  const server = servePipelineControl(
    handlers(),
    { host: "127.0.0.1", port: 0, token: TOKEN },
    [dashboards],
  );
  try {
    const base = `http://127.0.0.1:${server.port}`;
    const chart = await fetch(`${base}/dashboards/sales?token=${TOKEN}`);
    assert.equal(await chart.text(), "chart /dashboards/sales");
    const moved = await fetch(`${base}/dashboards`, { headers: auth, redirect: "manual" });
    assert.equal(await status(moved), 302);
    assert.equal(moved.headers.get("cache-control"), "no-store");
    assert.equal(await status(await fetch(`${base}/dashboards/sales`)), 401);
    assert.equal(await status(await fetch(`${base}/dashboardsX`, { headers: auth })), 404);
  } finally {
    await server.shutdown();
  }
});
