import assert from "node:assert/strict";
import { parseDb5Line } from "./db5_line.ts";

Deno.test("parses a quoted DB5 line with a comma and doubled quotes in its names", () => {
  const row = parseDb5Line(
    '"16777216","16777471","BQ","Bonaire, Sint Eustatius and Saba","Say ""Hi""","Kralendijk","12.150000","-68.266670"',
    4,
  );
  assert.deepEqual(row, {
    from: 16777216,
    to: 16777471,
    countryCode: "BQ",
    country: "Bonaire, Sint Eustatius and Saba",
    region: 'Say "Hi"',
    city: "Kralendijk",
    latE6: 12150000,
    lonE6: -68266670,
  });
});

Deno.test("turns IP2Location's '-' placeholder into null", () => {
  const row = parseDb5Line('"0","16777215","-","-","-","-","-","-"', 4);
  assert.deepEqual(row, {
    from: 0,
    to: 16777215,
    countryCode: null,
    country: null,
    region: null,
    city: null,
    latE6: null,
    lonE6: null,
  });
});

Deno.test("reads 128-bit addresses of the IPv6 file as bigints", () => {
  const row = parseDb5Line(
    '"281470681743360","281470698520575","-","-","-","-","0.000000","0.000000"',
    6,
  );
  assert.ok(typeof row !== "string");
  assert.equal(row.from, 281470681743360n);
  const max = parseDb5Line(`"1","${(1n << 128n) - 1n}","-","-","-","-","0","0"`, 6);
  assert.ok(typeof max !== "string");
});

Deno.test("describes a malformed line instead of throwing", () => {
  const cases: Array<[string, RegExp]> = [
    ['"1","2","DE","Germany","Berlin","Berlin","52.5"', /expected 8 fields, found 7/],
    ['"1","2","DE","Germany","Berlin","Berlin","52.5","13.4', /unbalanced quotes/],
    ['"x","2","DE","Germany","Berlin","Berlin","52.5","13.4"', /ip_from "x"/],
    ['"1","4294967296","DE","Germany","Berlin","Berlin","52.5","13.4"', /ip_to "4294967296"/],
    ['"5","2","DE","Germany","Berlin","Berlin","52.5","13.4"', /ip_to 2 is below ip_from 5/],
    ['"1","2","DE","Germany","Berlin","Berlin","north","13.4"', /latitude "north"/],
    ['"1","2","DE","Germany","Berlin","Berlin","52.5","200"', /longitude "200"/],
    ['"1","2","DE","Ger"many","Berlin","Berlin","52.5","13.4"', /unbalanced quotes/],
    ["", /expected 8 fields, found 1/],
  ];
  for (const [line, message] of cases) {
    const result = parseDb5Line(line, 4);
    assert.equal(typeof result, "string", line);
    assert.match(String(result), message);
  }
});
