/**
 * One line of a country-only range CSV (the ip-location-db layout DB-IP Lite country ships in:
 * `ip_range_start,ip_range_end,country_code`, addresses as decimal integers) to a range row
 * with the country code and its English name; region, city and coordinates stay unknown.
 */
import { type Db5Row, type Family, parseAddress } from "./db5_line.ts";

const NAMES = new Intl.DisplayNames(["en"], { type: "region", fallback: "none" });
const CODE = /^[A-Z]{2}$/;

/** The English name of an ISO 3166-1 alpha-2 code, or null when the runtime knows none. */
export function countryName(code: string): string | null {
  return NAMES.of(code) ?? null;
}

/**
 * Parses one line of a country CSV of the given family; returns the row or a message saying
 * what is wrong with it (the caller adds file and line number).
 *
 * @example
 * ```ts
 * parseCountryLine("16777216,16777471,AU", 4);
 * // { from: 16777216, to: 16777471, countryCode: "AU", country: "Australia", region: null, ... }
 * ```
 */
export function parseCountryLine(line: string, family: Family): Db5Row | string {
  const fields = line.split(",");
  if (fields.length !== 3) return `expected 3 fields, found ${fields.length}`;
  const [fromText, toText, code] = fields as [string, string, string];
  const from = parseAddress(fromText, family);
  const to = parseAddress(toText, family);
  const limit = family === 4 ? "0 to 4294967295" : "0 to 2^128-1";
  if (from === undefined) return `ip_range_start ${JSON.stringify(fromText)} is not ${limit}`;
  if (to === undefined) return `ip_range_end ${JSON.stringify(toText)} is not ${limit}`;
  if (to < from) return `ip_range_end ${toText} is below ip_range_start ${fromText}`;
  if (!CODE.test(code)) return `country_code ${JSON.stringify(code)} is not two capital letters`;
  return {
    from,
    to,
    countryCode: code,
    country: countryName(code),
    region: null,
    city: null,
    latE6: null,
    lonE6: null,
  };
}
