/**
 * Protocol of the geoip actor, which owns the range table's source: `geoip.refresh` builds or
 * copies a changed source into a new table file and answers with the current table. The pipeline
 * then tells every enricher to map it (`enricher.useTable`), and enrichers look IPs up locally,
 * without messages.
 */
import { request } from "../actors/runtime/protocol.ts";
import { isRecord } from "../actors/runtime/guards.ts";

/** Init arguments of the geoip actor: where its sources are. */
export interface GeoipArgs {
  readonly dataDir: string;
  readonly table: string | null;
  readonly csv: string | null;
  readonly csvIpv6: string | null;
}

/** A table file and its version. */
export interface GeoipTable {
  readonly path: string;
  readonly version: string;
}

/** What a check found: its sources' sizes and times (`sources`), and the table they made. */
export interface GeoipKnown {
  readonly sources: string;
  readonly table: GeoipTable;
}

/**
 * A refresh, with what the last check found (null: none yet). The geoip actor runs on demand, a
 * new Worker for each check: with this it hashes the sources only when their sizes or times
 * changed, as one long-lived Worker did, not at every check.
 */
export interface GeoipRefresh {
  readonly known: GeoipKnown | null;
}

/** The current table after a refresh (null: none configured), and what to pass to the next. */
export interface GeoipRefreshed {
  readonly table: GeoipTable | null;
  readonly known: GeoipKnown | null;
}

/** Checks geoip init arguments. */
export const isGeoipArgs = (v: unknown): v is GeoipArgs =>
  isRecord(v) && typeof v.dataDir === "string" &&
  [v.table, v.csv, v.csvIpv6].every((x) => x === null || typeof x === "string");

const isGeoipTable = (v: unknown): v is GeoipTable =>
  isRecord(v) && typeof v.path === "string" && typeof v.version === "string";

const isGeoipKnown = (v: unknown): v is GeoipKnown =>
  isRecord(v) && typeof v.sources === "string" && isGeoipTable(v.table);

/** Checks a refresh request. */
export const isGeoipRefresh = (v: unknown): v is GeoipRefresh =>
  isRecord(v) && (v.known === null || isGeoipKnown(v.known));

/** Checks the answer to a refresh. */
export const isGeoipRefreshed = (v: unknown): v is GeoipRefreshed =>
  isRecord(v) && (v.table === null || isGeoipTable(v.table)) &&
  (v.known === null || isGeoipKnown(v.known));

/** What the geoip actor accepts (it emits nothing: the pipeline asks). */
export const GEOIP_PROTOCOL = {
  name: "geoip",
  accepts: { "geoip.refresh": request(isGeoipRefresh, isGeoipRefreshed) },
  emits: {},
} as const;
