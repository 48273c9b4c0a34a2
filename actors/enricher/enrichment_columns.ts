/**
 * Enrichment columns of one staged row: the User-Agent fields through the LRU cache (the
 * original's twelve and the three `ua_` ones it lacked) and the IP location (through the
 * optional geo table; without one, IPs are still checked for syntax).
 */

import { isIP } from "node:net";
import type { Cell } from "../../messages/staging_columns.ts";
import type { GeoLookup } from "../geoip/geo_lookup.ts";
import { columnAt } from "./event_fields.ts";
import { preview, type Problems } from "./field_coercion.ts";
import { put } from "./row_cells.ts";
import type { UserAgentCache } from "./user_agent_cache.ts";

const UA = {
  id: columnAt("user_agent_id"),
  browserFamily: columnAt("browser_family"),
  browserVersion: columnAt("browser_version"),
  osFamily: columnAt("os_family"),
  osVersion: columnAt("os_version"),
  deviceFamily: columnAt("device_family"),
  deviceBrand: columnAt("device_brand"),
  deviceModel: columnAt("device_model"),
  isMobile: columnAt("is_mobile"),
  isTablet: columnAt("is_tablet"),
  isTouchCapable: columnAt("is_touch_capable"),
  isPc: columnAt("is_pc"),
  isBot: columnAt("is_bot"),
  engine: columnAt("ua_engine"),
  cpuArchitecture: columnAt("ua_cpu_architecture"),
  isBotStrict: columnAt("ua_is_bot_strict"),
} as const;

const GEO = {
  countryCode: columnAt("country_code"),
  country: columnAt("country"),
  region: columnAt("region"),
  city: columnAt("city"),
  latitude: columnAt("latitude"),
  longitude: columnAt("longitude"),
  version: columnAt("geo_table_version"),
} as const;

/** Writes the User-Agent columns of `ua` at `row`. */
export function putUserAgent(
  columns: Cell[][],
  row: number,
  ua: string,
  userAgents: UserAgentCache,
): void {
  const info = userAgents.lookup(ua);
  put(columns, UA.id, row, info.id);
  put(columns, UA.browserFamily, row, info.browserFamily);
  put(columns, UA.browserVersion, row, info.browserVersion);
  put(columns, UA.osFamily, row, info.osFamily);
  put(columns, UA.osVersion, row, info.osVersion);
  put(columns, UA.deviceFamily, row, info.deviceFamily);
  put(columns, UA.deviceBrand, row, info.deviceBrand);
  put(columns, UA.deviceModel, row, info.deviceModel);
  put(columns, UA.isMobile, row, info.isMobile);
  put(columns, UA.isTablet, row, info.isTablet);
  put(columns, UA.isTouchCapable, row, info.isTouchCapable);
  put(columns, UA.isPc, row, info.isPc);
  put(columns, UA.isBot, row, info.isBot);
  put(columns, UA.engine, row, info.engine);
  put(columns, UA.cpuArchitecture, row, info.cpuArchitecture);
  put(columns, UA.isBotStrict, row, info.isBotStrict);
}

/**
 * Writes the location of `ip` at `row` (the table version on every row when a table is given)
 * and records a problem when `ip` is not an IP address.
 */
export function putLocation(
  columns: Cell[][],
  row: number,
  ip: string | null,
  geo: GeoLookup | undefined,
  problems: Problems,
): void {
  if (geo !== undefined) put(columns, GEO.version, row, geo.version);
  if (ip === null) return;
  const found = geo === undefined ? (isIP(ip) === 0 ? "invalid" : null) : geo.lookup(ip);
  if (found === "invalid") {
    problems.push(`ip: not an IP address, got ${preview(ip)}`);
  } else if (found !== null) {
    put(columns, GEO.countryCode, row, found.countryCode);
    put(columns, GEO.country, row, found.country);
    put(columns, GEO.region, row, found.region);
    put(columns, GEO.city, row, found.city);
    put(columns, GEO.latitude, row, found.latitude);
    put(columns, GEO.longitude, row, found.longitude);
  }
}
