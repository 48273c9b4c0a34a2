/**
 * Deterministic IP2Location DB5-format test data with known answers: IPv4 ranges covering the
 * whole space (with gaps and "-" rows that must answer null), IPv6 ranges, awkward names (commas,
 * quotes, non-ASCII), and a plain reference lookup to check the table against.
 */
import type { GeoResult } from "./geo_lookup.ts";
import { seededRandom } from "../../tools/produce/prng.ts";

/** Options of `generateDb5`. */
export interface Db5Options {
  /** IPv4 ranges (rows of the IPv4 file, "-" rows included). */
  readonly ranges: number;
  /** IPv6 ranges outside the IPv4-mapped space. */
  readonly v6Ranges?: number;
  readonly seed?: number;
  /** Every n-th IPv4 range is followed by a gap (no row). */
  readonly gapEvery?: number;
  /** Every n-th range is an all-"-" row (IP2Location's reserved ranges). */
  readonly unknownEvery?: number;
}

/** One generated location, with the CSV text of its fields. */
export interface Db5Location {
  readonly fields: readonly [string, string, string, string, string, string];
  readonly result: GeoResult | null;
}

/** Generated ranges and their locations (index -1 is an all-"-" row). */
export interface Db5Data {
  readonly v4Starts: Uint32Array;
  readonly v4Ends: Uint32Array;
  readonly v4Locs: Int32Array;
  readonly v6Starts: readonly bigint[];
  readonly v6Ends: readonly bigint[];
  readonly v6Locs: readonly number[];
  readonly locations: readonly Db5Location[];
}

const COUNTRIES: ReadonlyArray<readonly [string, string]> = [
  ["DE", "Germany"],
  ["GB", "United Kingdom of Great Britain and Northern Ireland"],
  ["BQ", "Bonaire, Sint Eustatius and Saba"],
  ["CH", "Switzerland"],
  ["CI", "Côte d'Ivoire"],
  ["US", "United States of America"],
  ["VN", "Viet Nam"],
];
const CITIES = ["Zürich", 'Say "Cheese"', "Washington, D.C.", "São Paulo", "Kraków", "Berlin"];

function makeLocation(i: number, random: () => number): Db5Location {
  const [cc, country] = COUNTRIES[i % COUNTRIES.length]!;
  const region = i % 11 === 5 ? "-" : `Region ${i % 97}`;
  const city = i % 13 === 7 ? "-" : `${CITIES[i % CITIES.length]} ${i}`;
  const noCoords = i % 17 === 3;
  const lat = noCoords ? "-" : (random() * 180 - 90).toFixed(6);
  const lon = noCoords ? "-" : (random() * 360 - 180).toFixed(6);
  const orNull = (s: string) => (s === "-" ? null : s);
  return {
    fields: [cc, country, region, city, lat, lon],
    result: {
      countryCode: cc,
      country,
      region: orNull(region),
      city: orNull(city),
      latitude: noCoords ? null : Math.round(Number(lat) * 1e6) / 1e6,
      longitude: noCoords ? null : Math.round(Number(lon) * 1e6) / 1e6,
    },
  };
}

/** Generates DB5 data; the same options always give the same data. */
export function generateDb5(options: Db5Options): Db5Data {
  const { ranges: n, v6Ranges = 0, seed = 1, gapEvery = 7, unknownEvery = 101 } = options;
  const random = seededRandom(seed);
  const locationCount = Math.max(1, Math.min(5000, Math.floor(n / 4)));
  const locations = Array.from({ length: locationCount }, (_, i) => makeLocation(i, random));
  const pickLoc = (
    i: number,
  ) => (i % unknownEvery === unknownEvery - 1 ? -1 : Math.floor(random() * locationCount));
  const v4Starts = new Uint32Array(n);
  const v4Ends = new Uint32Array(n);
  const v4Locs = new Int32Array(n);
  let cursor = 0;
  for (let i = 0; i < n; i++) {
    const remaining = 2 ** 32 - cursor;
    const left = n - i;
    const average = remaining / left;
    let size = i === n - 1 ? remaining : 1 + Math.floor(random() * (2 * average - 1));
    size = Math.min(size, remaining - (left - 1));
    const gap = i < n - 1 && i % gapEvery === gapEvery - 1 && size > 1
      ? Math.min(size - 1, 1 + Math.floor(random() * 16))
      : 0;
    v4Starts[i] = cursor;
    v4Ends[i] = cursor + size - 1 - gap;
    v4Locs[i] = pickLoc(i);
    cursor += size;
  }
  const v6Starts: bigint[] = [];
  const v6Ends: bigint[] = [];
  const v6Locs: number[] = [];
  const base = 0x2000n << 112n;
  const step = (1n << 125n) / BigInt(Math.max(1, v6Ranges));
  for (let i = 0; i < v6Ranges; i++) {
    const start = base + BigInt(i) * step;
    const size = 1n + (step * BigInt(Math.floor(random() * 1000))) / 1000n;
    v6Starts.push(start);
    v6Ends.push(start + size - 1n - (i % gapEvery === gapEvery - 1 && size > 2n ? 1n : 0n));
    v6Locs.push(pickLoc(i));
  }
  return { v4Starts, v4Ends, v4Locs, v6Starts, v6Ends, v6Locs, locations };
}

/** Quotes a CSV field the way IP2Location does. */
const quote = (s: string) => `"${s.replaceAll('"', '""')}"`;
const UNKNOWN = ["-", "-", "-", "-", "0.000000", "0.000000"];

function row(from: number | bigint, to: number | bigint, loc: number, data: Db5Data): string {
  const fields = loc < 0 ? UNKNOWN : data.locations[loc]!.fields;
  return [String(from), String(to), ...fields].map(quote).join(",") + "\r\n";
}

async function writeRows(path: string, rows: Iterable<string>): Promise<void> {
  using file = await Deno.open(path, { write: true, create: true, truncate: true });
  const encoder = new TextEncoder();
  let batch = "";
  for (const line of rows) {
    batch += line;
    if (batch.length > 1 << 20) {
      await file.write(encoder.encode(batch));
      batch = "";
    }
  }
  await file.write(encoder.encode(batch));
}

/** Writes the IPv4 file (DB5 layout, CRLF lines, every field quoted). */
export async function writeDb5Csv(data: Db5Data, path: string): Promise<void> {
  await writeRows(
    path,
    (function* () {
      for (let i = 0; i < data.v4Starts.length; i++) {
        yield row(data.v4Starts[i]!, data.v4Ends[i]!, data.v4Locs[i]!, data);
      }
    })(),
  );
}

const MAPPED = 0xffff00000000n;

/**
 * Writes the IPv6 file like DB5.IPV6: "-" up to the IPv4-mapped space, the IPv4 ranges mapped
 * into ::ffff:0:0/96 when `withMapped`, then the IPv6 ranges.
 */
export async function writeDb5Ipv6Csv(
  data: Db5Data,
  path: string,
  withMapped = true,
): Promise<void> {
  await writeRows(
    path,
    (function* () {
      yield row(0n, MAPPED - 1n, -1, data);
      for (let i = 0; withMapped && i < data.v4Starts.length; i++) {
        yield row(
          MAPPED + BigInt(data.v4Starts[i]!),
          MAPPED + BigInt(data.v4Ends[i]!),
          data.v4Locs[i]!,
          data,
        );
      }
      for (let i = 0; i < data.v6Starts.length; i++) {
        yield row(
          data.v6Starts[i]!,
          data.v6Ends[i]!,
          data.v6Locs[i]!,
          data,
        );
      }
    })(),
  );
}

/** Dotted-quad text of a 32-bit value. */
export function formatIpv4(value: number): string {
  return [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join(".");
}

/** Full (uncompressed) IPv6 text of a 128-bit value. */
export function formatIpv6(value: bigint): string {
  const hex = value.toString(16).padStart(32, "0");
  return hex.match(/.{4}/g)!.join(":");
}

/** The reference answer for an IPv4 address: a plain search over the generated ranges. */
export function expectedV4(data: Db5Data, ip: number): GeoResult | null {
  let low = 0;
  let high = data.v4Starts.length - 1;
  while (low < high) {
    const mid = Math.ceil((low + high) / 2);
    if (data.v4Starts[mid]! > ip) high = mid - 1;
    else low = mid;
  }
  const loc = data.v4Ends[low]! >= ip && data.v4Starts[low]! <= ip ? data.v4Locs[low]! : -1;
  return loc < 0 ? null : data.locations[loc]!.result;
}

/** The reference answer for an IPv6 address outside the mapped space (linear, small tables). */
export function expectedV6(data: Db5Data, ip: bigint): GeoResult | null {
  const i = data.v6Starts.findIndex((start, k) => start <= ip && ip <= data.v6Ends[k]!);
  const loc = i < 0 ? -1 : data.v6Locs[i]!;
  return loc < 0 ? null : data.locations[loc]!.result;
}

/** Test addresses: first and last of ranges, random inside, gap addresses, 0 and 2^32-1. */
export function sampleV4(data: Db5Data, count: number, seed = 7): number[] {
  const random = seededRandom(seed);
  const n = data.v4Starts.length;
  const out = [0, 0xffffffff];
  for (let k = 0; out.length < count; k++) {
    const i = Math.floor(random() * n);
    const start = data.v4Starts[i]!;
    const end = data.v4Ends[i]!;
    out.push(start, end, start + Math.floor(random() * (end - start + 1)));
    if (end < 0xffffffff) out.push(end + 1);
  }
  return out;
}
