import assert from "node:assert/strict";
import { parsePrometheus } from "../test/prometheus.ts";
import { Registry } from "../observability/metrics.ts";
import { type ControlHandlers, serveControl } from "./control_server.ts";

function handlers(overrides: Partial<ControlHandlers> = {}): ControlHandlers {
  const registry = new Registry();
  registry.inc("pipeline_events_received_total", "Events", { actor: "consumer" }, 3);
  return {
    export: () => Promise.resolve({ generation: 1, rows: 10 }),
    live: () => true,
    ready: () => ({ ready: false, reason: "consumer lag rising" }),
    metrics: () => registry.render(),
    status: () => ({ actors: [{ id: "writer", state: "running", restarts: 0 }] }),
    ...overrides,
  };
}

async function withServer(h: ControlHandlers, fn: (base: string) => Promise<void>) {
  const server = serveControl(0, "secret-token", h);
  try {
    await fn(`http://127.0.0.1:${server.port}`);
  } finally {
    await server.shutdown();
  }
}

const auth = { authorization: "Bearer secret-token" };

Deno.test("a wrong or missing token gets 401 with a hint, and probes need none", async () => {
  await withServer(handlers(), async (base) => {
    const wrong = await fetch(`${base}/metrics`, { headers: { authorization: "Bearer nope" } });
    assert.equal(wrong.status, 401);
    assert.match((await wrong.json()).error, /Authorization: Bearer/);
    const none = await fetch(`${base}/export`, { method: "POST" });
    assert.equal(none.status, 401);
    await none.body?.cancel();
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

Deno.test("POST /export returns the export's result, or 500 with the failure's message", async () => {
  await withServer(handlers(), async (base) => {
    const ok = await fetch(`${base}/export`, { method: "POST", headers: auth });
    assert.deepEqual(await ok.json(), { generation: 1, rows: 10 });
  });
  const failing = handlers({ export: () => Promise.reject(new Error("lake folder is full")) });
  await withServer(failing, async (base) => {
    const failed = await fetch(`${base}/export`, { method: "POST", headers: auth });
    assert.equal(failed.status, 500);
    assert.deepEqual(await failed.json(), { error: "lake folder is full" });
  });
});

Deno.test("the status page shows the snapshot as escaped HTML, and unknown routes say what exists", async () => {
  const h = handlers({ status: () => ({ actors: [{ id: "<writer>", state: "running" }] }) });
  await withServer(h, async (base) => {
    const page = await (await fetch(`${base}/?token=secret-token`)).text();
    assert.match(page, /<td>&lt;writer&gt;<\/td><td>running<\/td>/);
    const missing = await fetch(`${base}/nope`, { headers: auth });
    assert.equal(missing.status, 404);
    assert.match((await missing.json()).error, /POST \/export/);
  });
});
