import assert from "node:assert/strict";
import type { GeoLookup, GeoResult } from "../../actors/geoip/geo_lookup.ts";
import { csvField, lookupCsv } from "./lookup_csv.ts";

const BQ: GeoResult = {
  countryCode: "BQ",
  country: "Bonaire, Sint Eustatius and Saba",
  region: 'Say "Hi"',
  city: "Kralendijk",
  latitude: 12.15,
  longitude: -68.26667,
};

const fake: GeoLookup = {
  version: "test",
  lookup: (
    ip,
  ) => (ip === "1.2.3.4"
    ? BQ
    : ip === "9.9.9.9"
    ? null
    : ip.includes("x")
    ? "invalid"
    : { ...BQ, region: null, latitude: null, longitude: null }),
};

function streamOf(chunks: string[]): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  return ReadableStream.from(chunks.map((c) => encoder.encode(c)));
}

async function collect(input: ReadableStream<Uint8Array>) {
  const parts: Uint8Array[] = [];
  const output = new WritableStream<Uint8Array>({ write: (chunk) => void parts.push(chunk) });
  const counts = await lookupCsv(fake, input, output);
  await output.close();
  return { text: new TextDecoder().decode(await new Blob(parts as BlobPart[]).bytes()), counts };
}

Deno.test("quotes CSV fields holding commas, quotes, line breaks or edge spaces", () => {
  assert.equal(csvField("plain"), "plain");
  assert.equal(csvField("a,b"), '"a,b"');
  assert.equal(csvField('say "hi"'), '"say ""hi"""');
  assert.equal(csvField("two\nlines"), '"two\nlines"');
  assert.equal(csvField(" edge"), '" edge"');
  assert.equal(csvField(null), "");
});

Deno.test("writes one CSV row per IP, across chunk boundaries, with empty columns when unknown", async () => {
  const { text, counts } = await collect(streamOf(["1.2.3.4\r\n9.9", ".9.9\n\n  x.y  \n5.6.7.8"]));
  assert.equal(
    text,
    [
      "ip,country,region,city,latitude,longitude",
      '1.2.3.4,"Bonaire, Sint Eustatius and Saba","Say ""Hi""",Kralendijk,12.150000,-68.266670',
      "9.9.9.9,,,,,",
      "x.y,,,,,",
      '5.6.7.8,"Bonaire, Sint Eustatius and Saba",,Kralendijk,,',
      "",
    ].join("\n"),
  );
  assert.deepEqual(counts, { ips: 4, located: 2, notFound: 1, invalid: 1, firstInvalidLine: 4 });
});
