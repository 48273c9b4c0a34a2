/**
 * Protocol of the geoip actor, as plain data (survives structured clone). The actor owns the
 * range table: it tells every enricher which table file to map (or hands the SharedArrayBuffer
 * it read, where FFI is not permitted), and enrichers look up locally, without messages.
 */
import { request } from "../actors/runtime/protocol.ts";

/** Command: check the sources now (a control-server request; the periodic check is private). */
export interface GeoipRefresh {
  readonly type: "geoip.refresh";
}

/** The commands the geoip actor accepts. */
export type GeoipCommand = GeoipRefresh;

/**
 * Event to every enricher: a table version is ready. The enricher opens it (mmap of `path`, or
 * `shared` when not null), swaps it in, and records `version` on each row enriched with it.
 */
export interface GeoipTableChanged {
  readonly type: "geoip.tableChanged";
  /** Table file in the data directory; replaced only by rename, never rewritten. */
  readonly path: string;
  /** Version recorded on enriched rows (first 16 hex digits of the source SHA-256). */
  readonly version: string;
  /** The table's bytes when the actor read them instead of mapping (no FFI); else null. */
  readonly shared: SharedArrayBuffer | null;
  /** When the table was built, epoch ms. */
  readonly builtAtMs: number;
}

/** Event to every enricher: no table (none configured, or the source was removed). */
export interface GeoipTableUnavailable {
  readonly type: "geoip.tableUnavailable";
  /** Why, for the log (e.g. "No GEOIP_TABLE or GEOIP_CSV is set: ..."). */
  readonly reason: string;
}

/** The events the geoip actor emits. */
export type GeoipEvent = GeoipTableChanged | GeoipTableUnavailable;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null;
}

/** Checks data received through `postMessage`: a GeoipEvent, or null when it is not one. */
export function asGeoipEvent(value: unknown): GeoipEvent | null {
  if (!isRecord(value)) return null;
  if (value.type === "geoip.tableUnavailable") {
    return typeof value.reason === "string" ? { type: value.type, reason: value.reason } : null;
  }
  if (value.type !== "geoip.tableChanged") return null;
  const { path, version, shared, builtAtMs } = value;
  const ok = typeof path === "string" && typeof version === "string" &&
    typeof builtAtMs === "number" && (shared === null || shared instanceof SharedArrayBuffer);
  return ok ? { type: value.type, path, version, shared, builtAtMs } : null;
}

/** Checks data received through `postMessage`: a GeoipCommand, or null. */
export function asGeoipCommand(value: unknown): GeoipCommand | null {
  return isRecord(value) && value.type === "geoip.refresh" ? { type: value.type } : null;
}

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

const isRefreshed = (v: unknown): v is GeoipRefreshed =>
  isRecord(v) && (v.table === null ||
    (isRecord(v.table) && typeof v.table.path === "string" &&
      typeof v.table.version === "string"));
const isNothing = (v: unknown): v is Record<string, never> =>
  isRecord(v) && Object.keys(v).length === 0;

/** The geoip actor on the runtime: refresh builds or copies a changed source into a new table. */
export const GEOIP_PROTOCOL = {
  name: "geoip",
  accepts: { "geoip.refresh": request(isNothing, isRefreshed) },
  emits: {},
} as const;
