/**
 * Protocol of the geoip actor, which owns the range table's source: `geoip.refresh` builds or
 * copies a changed source into a new table file and answers with the current table. The pipeline
 * then tells every enricher to map it (`enricher.useTable`), and enrichers look IPs up locally,
 * without messages.
 */
import { request } from "../actors/runtime/protocol.ts";
import { isEmpty, isRecord } from "../actors/runtime/guards.ts";

/** Init arguments of the geoip actor: where its sources are. */
export interface GeoipArgs {
  readonly dataDir: string;
  readonly table: string | null;
  readonly csv: string | null;
  readonly csvIpv6: string | null;
}

/** The current table after a refresh (null: none configured). */
export interface GeoipRefreshed {
  readonly table: { readonly path: string; readonly version: string } | null;
}

/** Checks geoip init arguments. */
export const isGeoipArgs = (v: unknown): v is GeoipArgs =>
  isRecord(v) && typeof v.dataDir === "string" &&
  [v.table, v.csv, v.csvIpv6].every((x) => x === null || typeof x === "string");

/** Checks the answer to a refresh. */
export const isGeoipRefreshed = (v: unknown): v is GeoipRefreshed =>
  isRecord(v) && (v.table === null ||
    (isRecord(v.table) && typeof v.table.path === "string" &&
      typeof v.table.version === "string"));

/** What the geoip actor accepts (it emits nothing: the pipeline asks). */
export const GEOIP_PROTOCOL = {
  name: "geoip",
  accepts: { "geoip.refresh": request(isEmpty, isGeoipRefreshed) },
  emits: {},
} as const;
