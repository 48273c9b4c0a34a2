import assert from "node:assert/strict";
import { STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import type { GeoLookup, GeoResult } from "../geoip/geo_lookup.ts";
import { putLocation, putUserAgent } from "./enrichment_columns.ts";
import { columnAt } from "./event_fields.ts";
import type { Problems } from "./field_coercion.ts";
import { cellAt, nullColumns } from "./row_cells.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

const PARIS: GeoResult = {
  countryCode: "FR",
  country: "France",
  region: "Ile-de-France",
  city: "Paris",
  latitude: 48.85341,
  longitude: 2.3488,
};

/** A one-entry range table: 37.170.17.183 is in Paris, other IPv4 text is nowhere. */
const table: GeoLookup = {
  version: "DB5-2020-06",
  lookup: (ip) =>
    ip === "37.170.17.183" ? PARIS : /^\d+\.\d+\.\d+\.\d+$/.test(ip) ? null : "invalid",
};

function located(ip: string | null, geo: GeoLookup | undefined) {
  const columns = nullColumns(STAGING_COLUMNS.length, 1);
  const problems: Problems = [];
  putLocation(columns, 0, ip, geo, problems);
  const at = (name: string) => cellAt(columns, columnAt(name), 0);
  return {
    geo: ["country_code", "country", "region", "city", "latitude", "longitude"].map(at),
    version: at("geo_table_version"),
    problems,
  };
}

Deno.test("an IP in the range table gets its location and the table version", () => {
  assert.deepEqual(located("37.170.17.183", table), {
    geo: ["FR", "France", "Ile-de-France", "Paris", 48.85341, 2.3488],
    version: "DB5-2020-06",
    problems: [],
  });
});

Deno.test("an IP outside every range gets null location but still the table version", () => {
  assert.deepEqual(located("10.0.0.1", table), {
    geo: [null, null, null, null, null, null],
    version: "DB5-2020-06",
    problems: [],
  });
});

Deno.test("an IP the table calls invalid is a problem on ip", () => {
  assert.deepEqual(located("::gg", table).problems, ['ip: not an IP address, got "::gg"']);
});

Deno.test("without a table the geo columns and version stay null and IPs are still checked", () => {
  assert.deepEqual(located("37.170.17.183", undefined), {
    geo: [null, null, null, null, null, null],
    version: null,
    problems: [],
  });
  assert.deepEqual(located("256.256.256.256", undefined).problems, [
    'ip: not an IP address, got "256.256.256.256"',
  ]);
  assert.deepEqual(located("2001:db8::1", undefined).problems, []);
});

Deno.test("the User-Agent columns are filled from the cache", () => {
  const columns = nullColumns(STAGING_COLUMNS.length, 1);
  const cache = new UserAgentCache(10);
  putUserAgent(columns, 0, "curl/7.68.0", cache);
  putUserAgent(columns, 0, "curl/7.68.0", cache);
  const at = (name: string) => cellAt(columns, columnAt(name), 0);
  assert.deepEqual(
    ["user_agent_id", "browser_family", "device_family", "is_bot", "is_pc", "ua_is_bot_strict"]
      .map(at),
    ["fd4a0a8696c9f02d5c00ddd6c92d5485", "curl", "Other", false, false, true],
  );
  assert.equal(cache.hits, 1);
});
