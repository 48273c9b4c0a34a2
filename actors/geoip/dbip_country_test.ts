import assert from "node:assert/strict";
import { DBIP_COUNTRY, releaseMonth } from "./dbip_country.ts";
import { parseCountryLine } from "./country_line.ts";

Deno.test("the default source is the pinned DB-IP Lite country package, named with its licence", async () => {
  assert.equal(DBIP_COUNTRY.label, "DB-IP Lite country 2026-06 CC BY 4.0");
  for (const [path, family] of [[DBIP_COUNTRY.ipv4Csv, 4], [DBIP_COUNTRY.ipv6Csv, 6]] as const) {
    using file = await Deno.open(path);
    const head = new TextDecoder().decode((await file.readable.getReader().read()).value);
    const row = parseCountryLine(head.split("\n")[0] ?? "", family);
    assert.ok(typeof row !== "string", `${path}: ${row}`);
  }
});

Deno.test("a package version without a YYYYMMDDHH release says so", () => {
  assert.equal(releaseMonth("2.3.2026060120"), "2026-06");
  assert.throws(() => releaseMonth("2.3.0"), /does not end in YYYYMMDDHH/);
});
