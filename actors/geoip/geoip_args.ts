/** The geoip actor's start arguments, from the configuration (the pipeline's and the prepare step's). */
import type { Config } from "../../config/config.ts";
import type { GeoipArgs } from "../../messages/geoip.ts";

/** Where the geoip actor finds its table or the CSVs it builds one from. */
export function geoipArgs(config: Config): GeoipArgs {
  return {
    dataDir: config.dataDir,
    table: config.geoip.table ?? null,
    csv: config.geoip.csv ?? null,
    csvIpv6: config.geoip.csvIpv6 ?? null,
  };
}
