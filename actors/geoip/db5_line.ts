/**
 * One line of an IP2Location LITE DB5 CSV file to one range: quoted fields ip_from, ip_to,
 * country_code, country_name, region_name, city_name, latitude, longitude. "-" (IP2Location's
 * placeholder for unknown) becomes null; a malformed line becomes a message, never a throw.
 */

/** One parsed DB5 row. Addresses are numbers for IPv4 files and bigints for IPv6 files. */
export interface Db5Row {
  readonly from: number | bigint;
  readonly to: number | bigint;
  readonly countryCode: string | null;
  readonly country: string | null;
  readonly region: string | null;
  readonly city: string | null;
  /** Micro-degrees, or null when unknown. */
  readonly latE6: number | null;
  readonly lonE6: number | null;
}

/** Address family of a source file. */
export type Family = 4 | 6;

const FIELDS = 8;
const MAX_V4 = 0xffffffff;
const MAX_V6 = (1n << 128n) - 1n;
const DIGITS = /^\d{1,39}$/;
const fields: string[] = [];

/** Splits a CSV line into `fields` (quotes optional, `""` escapes a quote); false if malformed. */
function splitCsv(line: string): boolean {
  fields.length = 0;
  const n = line.length;
  let i = 0;
  while (true) {
    if (line.charCodeAt(i) === 34) {
      let value = "";
      let from = ++i;
      while (true) {
        const q = line.indexOf('"', i);
        if (q < 0) return false;
        if (line.charCodeAt(q + 1) === 34) {
          value += line.slice(from, q + 1);
          i = from = q + 2;
          continue;
        }
        value += line.slice(from, q);
        i = q + 1;
        break;
      }
      fields.push(value);
    } else {
      const comma = line.indexOf(",", i);
      const end = comma < 0 ? n : comma;
      const value = line.slice(i, end);
      if (value.includes('"')) return false;
      fields.push(value);
      i = end;
    }
    if (i === n) return true;
    if (line.charCodeAt(i) !== 44) return false;
    i++;
  }
}

const text = (value: string): string | null => (value === "-" || value === "" ? null : value);

function coordinate(value: string, limit: number): number | null | undefined {
  if (value === "-" || value === "") return null;
  const n = Number(value);
  return Number.isFinite(n) && Math.abs(n) <= limit && value.trim() === value
    ? Math.round(n * 1e6)
    : undefined;
}

/** A decimal address of `family`, or undefined when it is not one (also for country files). */
export function parseAddress(value: string, family: Family): number | bigint | undefined {
  if (!DIGITS.test(value)) return undefined;
  if (family === 4) {
    const n = Number(value);
    return n <= MAX_V4 ? n : undefined;
  }
  const n = BigInt(value);
  return n <= MAX_V6 ? n : undefined;
}

/**
 * Parses one DB5 line of a file of the given family; returns the row or a message saying what
 * is wrong with it (the caller adds file and line number).
 *
 * @example
 * ```ts
 * parseDb5Line('"16777216","16777471","AU","Australia","Queensland","Brisbane","-27.46794","153.02809"', 4);
 * ```
 */
export function parseDb5Line(line: string, family: Family): Db5Row | string {
  if (!splitCsv(line)) return "unbalanced quotes or text after a closing quote";
  if (fields.length !== FIELDS) return `expected ${FIELDS} fields, found ${fields.length}`;
  const [fromText, toText, cc, country, region, city, latText, lonText] = fields as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const from = parseAddress(fromText, family);
  const to = parseAddress(toText, family);
  const limit = family === 4 ? "0 to 4294967295" : "0 to 2^128-1";
  if (from === undefined) return `ip_from ${JSON.stringify(fromText)} is not an integer ${limit}`;
  if (to === undefined) return `ip_to ${JSON.stringify(toText)} is not an integer ${limit}`;
  if (to < from) return `ip_to ${toText} is below ip_from ${fromText}`;
  const latE6 = coordinate(latText, 90);
  const lonE6 = coordinate(lonText, 180);
  if (latE6 === undefined) return `latitude ${JSON.stringify(latText)} is not a number -90 to 90`;
  if (lonE6 === undefined) {
    return `longitude ${JSON.stringify(lonText)} is not a number -180 to 180`;
  }
  return {
    from,
    to,
    countryCode: text(cc),
    country: text(country),
    region: text(region),
    city: text(city),
    latE6,
    lonE6,
  };
}
