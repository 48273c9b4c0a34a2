import assert from "node:assert/strict";
import { loadConfig } from "../../config/config.ts";
import { isGeoipArgs } from "../../messages/geoip.ts";
import { geoipArgs } from "./geoip_args.ts";

Deno.test("the geoip actor's arguments name the configured CSVs and pass its guard", () => {
  const vars: Record<string, string> = { DATA_DIR: "/tmp/lake", GEOIP_CSV: "/tmp/db5.csv" };
  const args = geoipArgs(loadConfig((key) => vars[key]));
  assert.ok(isGeoipArgs(structuredClone(args)));
  assert.equal(args.dataDir, "/tmp/lake");
  assert.equal(args.csv, "/tmp/db5.csv");
  assert.equal(args.table, null);
});
