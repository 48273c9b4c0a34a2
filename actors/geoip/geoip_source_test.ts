import assert from "node:assert/strict";
import { DBIP_COUNTRY } from "./dbip_country.ts";
import { resolveGeoipSource } from "./geoip_source.ts";

Deno.test("resolves GEOIP_TABLE to a built table copied under the data directory", () => {
  assert.deepEqual(resolveGeoipSource({ table: "/srv/geo.bin", dataDir: "data" }), {
    kind: "table",
    tablePath: "/srv/geo.bin",
    tableDir: "data/geoip",
  });
});

Deno.test("resolves GEOIP_CSV and GEOIP_CSV_IPV6 to sources built into the data directory", () => {
  assert.deepEqual(
    resolveGeoipSource({ csv: "db5.csv", csvIpv6: "db5v6.csv", dataDir: "/var/lib/p" }),
    {
      kind: "csv",
      format: "db5",
      ipv4Csv: "db5.csv",
      ipv6Csv: "db5v6.csv",
      tableDir: "/var/lib/p/geoip",
      sourceLabel: "",
    },
  );
  assert.deepEqual(resolveGeoipSource({ csvIpv6: "db5v6.csv", dataDir: "d" }), {
    kind: "csv",
    format: "db5",
    ipv4Csv: null,
    ipv6Csv: "db5v6.csv",
    tableDir: "d/geoip",
    sourceLabel: "",
  });
});

Deno.test("falls back to DB-IP Lite country when neither is set (empty counts as unset)", () => {
  const fallback = {
    kind: "csv",
    format: "country",
    ipv4Csv: DBIP_COUNTRY.ipv4Csv,
    ipv6Csv: DBIP_COUNTRY.ipv6Csv,
    tableDir: "data/geoip",
    sourceLabel: DBIP_COUNTRY.label,
  };
  assert.deepEqual(resolveGeoipSource({ dataDir: "data" }), fallback);
  assert.deepEqual(resolveGeoipSource({ table: " ", csv: "", dataDir: "data" }), fallback);
});

Deno.test("refuses GEOIP_TABLE together with GEOIP_CSV, naming both", () => {
  const result = resolveGeoipSource({ table: "t.bin", csv: "db5.csv", dataDir: "data" });
  assert.equal(typeof result, "string");
  assert.match(String(result), /GEOIP_TABLE \(t\.bin\) and GEOIP_CSV/);
});
