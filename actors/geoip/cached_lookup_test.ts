import assert from "node:assert/strict";
import { CachedGeoLookup } from "./cached_lookup.ts";
import type { GeoLookup, GeoResult } from "./geo_lookup.ts";

const PARIS: GeoResult = {
  countryCode: "FR",
  country: "France",
  region: "Ile-de-France",
  city: "Paris",
  latitude: 48.85341,
  longitude: 2.3488,
};

/** A table that answers Paris for 10.x addresses and counts its searches. */
function table(): GeoLookup & { searches: number } {
  return {
    version: "v1",
    searches: 0,
    lookup(ip: string) {
      this.searches++;
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(ip)) return "invalid";
      return ip.startsWith("10.") ? PARIS : null;
    },
  };
}

Deno.test("a repeated IP is answered from the cache with the table's own answer", () => {
  const inner = table();
  const cached = new CachedGeoLookup(inner, 8);
  for (let i = 0; i < 3; i++) {
    assert.equal(cached.lookup("10.0.0.1"), PARIS);
    assert.equal(cached.lookup("192.0.2.1"), null);
    assert.equal(cached.lookup("not an ip"), "invalid");
  }
  assert.equal(inner.searches, 3);
  assert.deepEqual([cached.hits, cached.misses], [6, 3]);
  assert.equal(cached.version, "v1");
});

Deno.test("a full cache starts over instead of growing", () => {
  const inner = table();
  const cached = new CachedGeoLookup(inner, 2);
  for (const ip of ["10.0.0.1", "10.0.0.2", "10.0.0.3", "10.0.0.1"]) cached.lookup(ip);
  assert.equal(inner.searches, 4); // 10.0.0.1 was dropped when the cache filled
  assert.throws(() => new CachedGeoLookup(inner, 0), RangeError);
});
