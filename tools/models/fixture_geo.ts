/**
 * The fixture's stand-in for the IP range table: each IP string lands, by a hash, on one of a
 * few dozen real places of the shop's markets (about 3% on none), so the geographic models and
 * dashboards have countries, regions and cities to show. Test data only, never the data path.
 */
import type { GeoLookup, GeoResult } from "../../actors/geoip/geo_lookup.ts";
import { hash32 } from "../produce/prng.ts";

type Place = readonly [string, string, string, string, number, number, number];

// country code, country, region, city, latitude, longitude, weight
const PLACES: readonly Place[] = [
  ["DE", "Germany", "Bayern", "Munich", 48.137, 11.575, 8],
  ["DE", "Germany", "Berlin", "Berlin", 52.52, 13.405, 7],
  ["DE", "Germany", "Nordrhein-Westfalen", "Cologne", 50.938, 6.96, 6],
  ["DE", "Germany", "Hamburg", "Hamburg", 53.551, 9.994, 4],
  [
    "GB",
    "United Kingdom of Great Britain and Northern Ireland",
    "England",
    "London",
    51.507,
    -0.128,
    8,
  ],
  [
    "GB",
    "United Kingdom of Great Britain and Northern Ireland",
    "Scotland",
    "Glasgow",
    55.865,
    -4.258,
    2,
  ],
  ["FR", "France", "Ile-de-France", "Paris", 48.857, 2.352, 6],
  ["FR", "France", "Auvergne-Rhone-Alpes", "Lyon", 45.764, 4.836, 3],
  ["IT", "Italy", "Lombardia", "Milan", 45.464, 9.19, 4],
  ["IT", "Italy", "Lazio", "Rome", 41.903, 12.496, 3],
  ["ES", "Spain", "Madrid", "Madrid", 40.417, -3.704, 4],
  ["ES", "Spain", "Cataluna", "Barcelona", 41.385, 2.173, 3],
  ["AT", "Austria", "Wien", "Vienna", 48.208, 16.373, 3],
  ["CH", "Switzerland", "Zurich", "Zurich", 47.377, 8.541, 3],
  ["NL", "Netherlands", "Noord-Holland", "Amsterdam", 52.368, 4.904, 3],
  ["SE", "Sweden", "Stockholms lan", "Stockholm", 59.329, 18.069, 2],
  ["PL", "Poland", "Mazowieckie", "Warsaw", 52.23, 21.012, 2],
  ["US", "United States of America", "New York", "New York City", 40.713, -74.006, 4],
  ["US", "United States of America", "California", "Los Angeles", 34.052, -118.244, 3],
  ["CA", "Canada", "Ontario", "Toronto", 43.653, -79.383, 2],
  ["AU", "Australia", "New South Wales", "Sydney", -33.869, 151.209, 2],
  ["PT", "Portugal", "Lisboa", "Lisbon", 38.722, -9.139, 1],
  ["BG", "Bulgaria", "Sofia (stolitsa)", "Sofia", 42.698, 23.322, 1],
  ["RS", "Serbia", "Beograd", "Belgrade", 44.787, 20.457, 1],
];
const TOTAL = PLACES.reduce((sum, p) => sum + p[6], 0);

function placeOf(ip: string): GeoResult | null {
  let h = 0;
  for (let i = 0; i < ip.length; i++) h = hash32(h, ip.charCodeAt(i));
  if (h % 100 < 3) return null;
  let pick = (h >>> 8) % TOTAL;
  for (const [countryCode, country, region, city, latitude, longitude, weight] of PLACES) {
    if (pick < weight) return { countryCode, country, region, city, latitude, longitude };
    pick -= weight;
  }
  return null;
}

/** A geo lookup over the fixture's places (version `fixture-1`). */
export const FIXTURE_GEO: GeoLookup = {
  version: "fixture-1",
  lookup: (ip) => ip === "" ? "invalid" : placeOf(ip),
};
