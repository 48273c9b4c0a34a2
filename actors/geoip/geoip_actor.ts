/**
 * Worker entry of the geoip actor: owns the table manager, so building a changed source (seconds
 * for millions of ranges) never blocks the pipeline's routing thread. `geoip.refresh` answers with
 * the current table; the pipeline swaps it into every enricher when its version changed. It runs
 * on demand (a Worker per check): the pipeline passes what the last check found with the next.
 */
import { GEOIP_PROTOCOL, isGeoipArgs } from "../../messages/geoip.ts";
import { serve } from "../runtime/serve.ts";
import { resolveGeoipSource } from "./geoip_source.ts";
import { GeoipTableManager } from "./table_manager.ts";

serve(GEOIP_PROTOCOL, isGeoipArgs, (args) => {
  const source = resolveGeoipSource({
    dataDir: args.dataDir,
    table: args.table ?? undefined,
    csv: args.csv ?? undefined,
    csvIpv6: args.csvIpv6 ?? undefined,
  });
  if (typeof source === "string") throw new Error(`Cannot start the geoip actor: ${source}`);
  const manager = new GeoipTableManager(source);
  return {
    handlers: {
      "geoip.refresh": async ({ known }) => {
        const { table, sources } = await manager.ensure(known ?? undefined);
        return { table: { path: table.path, version: table.version }, known: { sources, table } };
      },
    },
  };
});
