import assert from "node:assert/strict";
import { asGeoipCommand, asGeoipEvent, type GeoipTableChanged } from "./geoip.ts";

Deno.test("a tableChanged event survives structured clone, shared buffer included", () => {
  const event: GeoipTableChanged = {
    type: "geoip.tableChanged",
    path: "data/geoip/table-0123456789abcdef.bin",
    version: "0123456789abcdef",
    shared: new SharedArrayBuffer(8),
    builtAtMs: 1_700_000_000_000,
  };
  const cloned = structuredClone(event);
  assert.deepEqual(asGeoipEvent(cloned), cloned);
  assert.ok(cloned.shared instanceof SharedArrayBuffer);
});

Deno.test("refuses received data that is not a geoip message", () => {
  assert.equal(asGeoipEvent({ type: "geoip.tableChanged", path: 1, version: "v" }), null);
  assert.equal(asGeoipEvent({ type: "geoip.tableUnavailable" }), null);
  assert.equal(asGeoipEvent("geoip.tableChanged"), null);
  assert.deepEqual(asGeoipEvent({ type: "geoip.tableUnavailable", reason: "none" }), {
    type: "geoip.tableUnavailable",
    reason: "none",
  });
  assert.deepEqual(asGeoipCommand({ type: "geoip.refresh", extra: 1 }), { type: "geoip.refresh" });
  assert.equal(asGeoipCommand({ type: "writer.write" }), null);
});
