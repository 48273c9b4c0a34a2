import assert from "node:assert/strict";
import { countryName, parseCountryLine } from "./country_line.ts";

Deno.test("a country line gives the code, its English name and no region, city or coordinates", () => {
  assert.deepEqual(parseCountryLine("16777216,16777471,AU", 4), {
    from: 16777216,
    to: 16777471,
    countryCode: "AU",
    country: "Australia",
    region: null,
    city: null,
    latE6: null,
    lonE6: null,
  });
  const v6 = parseCountryLine(
    "42540528726795050063891204319802818560,42540528806023212578155541913346768895,JP",
    6,
  );
  assert.ok(typeof v6 !== "string");
  assert.equal(v6.from, 42540528726795050063891204319802818560n);
  assert.equal(v6.country, "Japan");
});

Deno.test("a malformed country line becomes a message naming the field and value", () => {
  assert.equal(parseCountryLine("1,2", 4), "expected 3 fields, found 2");
  assert.match(String(parseCountryLine("x,2,NL", 4)), /ip_range_start "x"/);
  assert.match(String(parseCountryLine("1,4294967296,NL", 4)), /ip_range_end "4294967296"/);
  assert.match(String(parseCountryLine("9,2,NL", 4)), /below ip_range_start 9/);
  assert.match(String(parseCountryLine("1,2,nl", 4)), /country_code "nl"/);
});

Deno.test("a code the runtime cannot name keeps its code with no name", () => {
  assert.equal(countryName("NL"), "Netherlands");
  assert.equal(countryName("AP"), null); // a reserved code
});
