/**
 * Prepares the geoip range table at start: a configured table is used as it is; configured
 * DB5 CSVs are built into the data directory when missing or changed; with neither, the DB-IP
 * Lite country CSVs of the pinned npm package are (country columns only).
 */
import { resolveGeoipSource } from "../actors/geoip/geoip_source.ts";
import { GeoipTableManager } from "../actors/geoip/table_manager.ts";
import type { Config } from "../config/config.ts";

/** Path of the table the enrichers map, or null. */
export async function prepareGeoip(config: Config): Promise<string | null> {
  const source = resolveGeoipSource({ ...config.geoip, dataDir: config.dataDir });
  if (typeof source === "string") throw new Error(`Cannot prepare geoip: ${source}`);
  const { table } = await new GeoipTableManager(source).ensure();
  return table?.path ?? null;
}
