/**
 * Builds the warehouse the writer's configuration names: DuckDB by default, BigQuery at scale
 * (endpoint overridable for an emulator). Each is loaded only when named, so a BigQuery writer
 * never loads DuckDB's native library, and a DuckDB one never loads the Google clients.
 */
import type { WriterArgs } from "../../messages/writer.ts";
import type { FaultHook } from "./fault_hook.ts";
import type { Warehouse } from "./warehouse.ts";

/**
 * DuckDB's buffer manager cap inside the pipeline process by default (`DUCKDB_MEMORY_LIMIT_MB`;
 * DuckDB's own default is 80% of RAM). Sized from
 * the process's 500 MB target (README "Memory"): `bench -- ingest` measured peak RSS 1.76 GB with
 * 512MB and 1.38 GB with 128MB over 300,000 events, with no change in the writer's CPU per event.
 * 64MB is too little: a commit of a 10,000-row batch failed to pin a block (61.0 of 61.0 MiB
 * used) and the writer stalled, retrying. More is faster (2026-11-30, `bench -- ingest
 * --string-compression off`: 384MB gave 60,000 events/s against 53,300 with 128MB, DuckDB's threads
 * 6.8 against 8.7 µs per event, peak RSS 1,438 against 1,245 MiB): rows committed but not
 * checkpointed (up to the 256 MB of WAL) then stay in memory instead of being compressed out to
 * `<warehouse>.tmp/` and read back at the checkpoint.
 */
export const DUCKDB_MEMORY_LIMIT = "128MB";
/** The same cap in bytes (DuckDB's MB are 1,000,000 bytes), for the memory budget. */
export const DUCKDB_MEMORY_LIMIT_BYTES = 128_000_000;

/** The configured warehouse (not opened yet). */
export async function openWarehouse(args: WriterArgs, faults?: FaultHook): Promise<Warehouse> {
  const target = args.warehouse;
  if (target.kind === "duckdb") {
    const { DuckDBWarehouse } = await import("./duckdb/duckdb_warehouse.ts");
    return new DuckDBWarehouse({
      path: target.path,
      memoryLimit: target.memoryLimitMb === undefined
        ? DUCKDB_MEMORY_LIMIT
        : `${target.memoryLimitMb}MB`,
      stringCompression: target.stringCompression ?? "auto",
      ...(faults ? { faults } : {}),
    });
  }
  const { BigQueryWarehouse } = await import("./bigquery/bigquery_warehouse.ts");
  return new BigQueryWarehouse({
    projectId: target.project,
    dataset: target.dataset,
    credentials: args.bigqueryEndpoint === null ? "adc" : "none",
    requestTimeoutMs: args.requestTimeoutMs,
    ...(args.bigqueryEndpoint === null ? {} : { apiEndpoint: args.bigqueryEndpoint }),
    ...(faults ? { faults } : {}),
  });
}
