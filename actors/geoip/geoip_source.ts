/**
 * Where the pipeline's range table comes from, resolved from plain setting values: a built
 * table (GEOIP_TABLE), DB5 CSV sources built into the data directory (GEOIP_CSV,
 * GEOIP_CSV_IPV6), or, with neither, the DB-IP Lite country CSVs shipped as an npm package,
 * built there too (country columns only). The config module declares the settings.
 */
import { DBIP_COUNTRY, type DefaultGeoipSource } from "./dbip_country.ts";
import type { SourceFormat } from "./table_builder.ts";

/** The settings, as plain values (unset or empty means absent). */
export interface GeoipSettings {
  readonly table?: string | undefined;
  readonly csv?: string | undefined;
  readonly csvIpv6?: string | undefined;
  readonly dataDir: string;
}

/** Doc lines of the settings, for the config declaration. */
export const GEOIP_SETTING_DOCS = {
  GEOIP_TABLE: "A range table built by `deno task geoip -- build`; excludes GEOIP_CSV*.",
  GEOIP_CSV:
    "IP2Location LITE DB5 CSV (IPv4), built into <DATA_DIR>/geoip when missing or changed.",
  GEOIP_CSV_IPV6: "IP2Location LITE DB5.IPV6 CSV, built with GEOIP_CSV into the same table.",
} as const;

/** A resolved source. `tableDir` is where tables are built or copied to. */
export type GeoipSource =
  | { readonly kind: "table"; readonly tablePath: string; readonly tableDir: string }
  | {
    readonly kind: "csv";
    readonly format: SourceFormat;
    readonly ipv4Csv: string | null;
    readonly ipv6Csv: string | null;
    readonly tableDir: string;
    /** Recorded on every row ("" for configured DB5 files: the operator knows their source). */
    readonly sourceLabel: string;
  };

/** Directory of built and copied tables under the data directory. */
export function tableDirectory(dataDir: string): string {
  return `${dataDir}/geoip`;
}

const given = (value: string | undefined): string | null =>
  value === undefined || value.trim() === "" ? null : value;

/**
 * Resolves the source, or returns an error message naming the settings in conflict.
 *
 * @example
 * ```ts
 * resolveGeoipSource({ csv: "IP2LOCATION-LITE-DB5.CSV", dataDir: "data" });
 * // { kind: "csv", format: "db5", ipv4Csv: "IP2LOCATION-LITE-DB5.CSV", ipv6Csv: null, ... }
 * ```
 */
export function resolveGeoipSource(
  settings: GeoipSettings,
  fallback: DefaultGeoipSource = DBIP_COUNTRY,
): GeoipSource | string {
  const table = given(settings.table);
  const csv = given(settings.csv);
  const csvIpv6 = given(settings.csvIpv6);
  const tableDir = tableDirectory(settings.dataDir);
  if (table !== null && (csv !== null || csvIpv6 !== null)) {
    return `GEOIP_TABLE (${table}) and GEOIP_CSV/GEOIP_CSV_IPV6 are both set; set one or the other`;
  }
  if (table !== null) return { kind: "table", tablePath: table, tableDir };
  if (csv !== null || csvIpv6 !== null) {
    return {
      kind: "csv",
      format: "db5",
      ipv4Csv: csv,
      ipv6Csv: csvIpv6,
      tableDir,
      sourceLabel: "",
    };
  }
  return {
    kind: "csv",
    format: "country",
    ipv4Csv: fallback.ipv4Csv,
    ipv6Csv: fallback.ipv6Csv,
    tableDir,
    sourceLabel: fallback.label,
  };
}
