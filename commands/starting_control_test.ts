import assert from "node:assert/strict";
import { servePipelineControl } from "../control/control_server.ts";
import { StartingControl } from "./starting_control.ts";

const TOKEN = "0123456789abcdef0123456789abcdef-token";
const auth = { authorization: `Bearer ${TOKEN}` };

Deno.test("until the pipeline runs every route answers 503 naming the step under way, then the running handlers answer", async () => {
  const starting = new StartingControl();
  const server = servePipelineControl(starting.handlers, {
    host: "127.0.0.1",
    port: 0,
    token: TOKEN,
  });
  const base = `http://127.0.0.1:${server.port}`;
  const answer = async (path: string, init: RequestInit = {}) => {
    const response = await fetch(`${base}${path}`, { ...init, headers: auth });
    return [response.status, await response.json()];
  };
  try {
    starting.step("geoip", "preparing the range table");
    const reason = "starting: geoip: preparing the range table";
    assert.deepEqual(await answer("/ready"), [503, { ready: false, reason }]);
    assert.deepEqual(await answer("/health"), [503, { live: false, reason }]);
    assert.deepEqual(await answer("/status"), [503, { error: reason }]);
    assert.deepEqual(await answer("/metrics"), [503, { error: reason }]);
    assert.deepEqual(await answer("/export", { method: "POST" }), [503, { error: reason }]);

    starting.running({
      export: () => Promise.resolve({ rows: 1 }),
      live: () => ({ live: true }),
      ready: () => ({ ready: true }),
      metrics: () => "",
      status: () => ({ ok: 1 }),
    });
    assert.deepEqual(await answer("/ready"), [200, { ready: true }]);
    assert.deepEqual(await answer("/export", { method: "POST" }), [200, { rows: 1 }]);
  } finally {
    await server.shutdown();
  }
});
