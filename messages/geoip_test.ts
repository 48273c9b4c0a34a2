import assert from "node:assert/strict";
import { isGeoipArgs, isGeoipRefreshed } from "./geoip.ts";

Deno.test("geoip init arguments survive structured clone and wrong shapes are refused", () => {
  const args = { dataDir: "data", table: null, csv: "db5.csv", csvIpv6: null };
  assert.ok(isGeoipArgs(structuredClone(args)));
  assert.ok(!isGeoipArgs({ ...args, csv: 5 }));
  assert.ok(!isGeoipArgs({ table: null, csv: null, csvIpv6: null }));
});

Deno.test("a refresh answer names a table file and its version, or no table", () => {
  assert.ok(isGeoipRefreshed({ table: { path: "data/geoip/table-ab.bin", version: "ab" } }));
  assert.ok(isGeoipRefreshed({ table: null }));
  assert.ok(!isGeoipRefreshed({ table: { path: "t.bin" } }));
  assert.ok(!isGeoipRefreshed("geoip.refreshed"));
});
