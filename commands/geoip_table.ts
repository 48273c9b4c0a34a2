/**
 * Prepares the geoip range table at start: a configured table is used as it is; configured
 * DB5 CSVs are built into the data directory when missing or changed; with neither, the DB-IP
 * Lite country CSVs of the pinned npm package are (country columns only).
 *
 * The work runs in a geoip actor Worker that ends once the table file is written, never in the
 * host: building the default source makes ~100 MiB of strings and growing arrays, which a
 * collection frees but the allocator keeps in the process (measured: the host's RSS stayed
 * ~90 MiB higher for the whole run; in a Worker that ends, ~35 MiB stays, and V8 reuses its pages
 * for the next isolates). The enrichers then map the file (mmap), so no V8 heap holds the table.
 */
import { geoipArgs } from "../actors/geoip/geoip_args.ts";
import { resolveGeoipSource } from "../actors/geoip/geoip_source.ts";
import { ActorPool } from "../actors/runtime/actor_pool.ts";
import { workerModuleUrl } from "../actors/worker_modules.ts";
import type { Config } from "../config/config.ts";
import { GEOIP_PROTOCOL } from "../messages/geoip.ts";

/** A build of millions of DB5 ranges takes tens of seconds on a slow disk; the default, ~2 s. */
const PREPARE_TIMEOUT_MS = 600_000;
const STOP_MS = 5_000;

/** Path of the table the enrichers map, or null. Throws when the table cannot be prepared. */
export async function prepareGeoip(config: Config): Promise<string | null> {
  const source = resolveGeoipSource({ ...config.geoip, dataDir: config.dataDir });
  if (typeof source === "string") throw new Error(`Cannot prepare geoip: ${source}`);
  const builder = new ActorPool({
    name: "geoip-prepare",
    module: workerModuleUrl("geoip"),
    protocol: GEOIP_PROTOCOL,
    capacity: 1,
    // A build that fails fails the start (with the builder's reason as the cause), as it did
    // when the host built: no retry would read the sources differently.
    onFailure: { kind: "drop", after: 1 },
    args: geoipArgs(config),
  });
  // A Worker that cannot even start ends the process once its restarts are spent, as any actor.
  await builder.start();
  try {
    const { table } = await builder.ask("geoip.refresh", { known: null }, PREPARE_TIMEOUT_MS);
    return table?.path ?? null;
  } finally {
    await builder.stop(STOP_MS);
  }
}
