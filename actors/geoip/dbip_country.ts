/**
 * The geolocation source used when none is configured: DB-IP's IP to Country Lite database
 * (CC BY 4.0, https://db-ip.com), as the pinned npm package `@ip-location-db/dbip-country`
 * ships it (monthly releases; the version's date names the data). Only country columns: region,
 * city and coordinates stay empty. IP2Location DB5 (`GEOIP_CSV`) remains the full source.
 */
import dbipPackage from "@ip-location-db/dbip-country/package.json" with { type: "json" };
import { fileURLToPath } from "node:url";

/** The files and name of the default source. */
export interface DefaultGeoipSource {
  /** IPv4 ranges, decimal addresses. */
  readonly ipv4Csv: string;
  /** IPv6 ranges, decimal addresses. */
  readonly ipv6Csv: string;
  /** Source, release month and licence; recorded in every table built from it. */
  readonly label: string;
}

/** The data month of a package version `2.3.YYYYMMDDHH`, as `YYYY-MM`. */
export function releaseMonth(version: string): string {
  const match = /^\d+\.\d+\.(\d{4})(\d{2})\d{4}$/.exec(version);
  if (match === null) {
    throw new RangeError(
      `@ip-location-db/dbip-country version ${version} does not end in YYYYMMDDHH`,
    );
  }
  return `${match[1]}-${match[2]}`;
}

// The package.json import keeps the package in the module graph, so Deno installs it.
const file = (name: string): string =>
  fileURLToPath(import.meta.resolve(`@ip-location-db/dbip-country/${name}`));

/** DB-IP Lite country from the pinned package. */
export const DBIP_COUNTRY: DefaultGeoipSource = Object.freeze({
  ipv4Csv: file("dbip-country-ipv4-num.csv"),
  ipv6Csv: file("dbip-country-ipv6-num.csv"),
  label: `DB-IP Lite country ${releaseMonth(dbipPackage.version)} CC BY 4.0`,
});
