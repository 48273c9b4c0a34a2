import assert from "node:assert/strict";
import { isGeoipArgs, isGeoipRefresh, isGeoipRefreshed } from "./geoip.ts";

Deno.test("geoip init arguments survive structured clone and wrong shapes are refused", () => {
  const args = { dataDir: "data", table: null, csv: "db5.csv", csvIpv6: null };
  assert.ok(isGeoipArgs(structuredClone(args)));
  assert.ok(!isGeoipArgs({ ...args, csv: 5 }));
  assert.ok(!isGeoipArgs({ table: null, csv: null, csvIpv6: null }));
});

Deno.test("a refresh answer names a table file and its version, or no table, and what it found", () => {
  const table = { path: "data/geoip/table-ab.bin", version: "ab" };
  const known = { sources: '[["a.csv",1,2]]', table };
  assert.ok(isGeoipRefreshed({ table, known }));
  assert.ok(isGeoipRefreshed({ table: null, known: null }));
  assert.ok(!isGeoipRefreshed({ table }), "what it found is said, or null");
  assert.ok(!isGeoipRefreshed({ table: { path: "t.bin" }, known: null }));
  assert.ok(!isGeoipRefreshed("geoip.refreshed"));
});

Deno.test("a refresh request carries what the last check found, or null", () => {
  const known = { sources: "[]", table: { path: "t.bin", version: "ab" } };
  assert.ok(isGeoipRefresh(structuredClone({ known })));
  assert.ok(isGeoipRefresh({ known: null }));
  assert.ok(!isGeoipRefresh({}));
  assert.ok(!isGeoipRefresh({ known: { sources: 1, table: known.table } }));
});
