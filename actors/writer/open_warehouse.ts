/**
 * Builds the warehouse the writer's configuration names: DuckDB by default, BigQuery at scale
 * (endpoint overridable for an emulator). Each is loaded only when named, so a BigQuery writer
 * never loads DuckDB's native library, and a DuckDB one never loads the Google clients.
 */
import {
  DUCKDB_CHECKPOINT_MB,
  DUCKDB_MEMORY_LIMIT_MB,
  type WriterArgs,
} from "../../messages/writer.ts";
import type { FaultHook } from "./fault_hook.ts";
import type { Warehouse } from "./warehouse.ts";

/** The configured warehouse (not opened yet). */
export async function openWarehouse(args: WriterArgs, faults?: FaultHook): Promise<Warehouse> {
  const target = args.warehouse;
  if (target.kind === "duckdb") {
    const { DuckDBWarehouse } = await import("./duckdb/duckdb_warehouse.ts");
    return new DuckDBWarehouse({
      path: target.path,
      memoryLimit: `${target.memoryLimitMb ?? DUCKDB_MEMORY_LIMIT_MB}MB`,
      checkpointThreshold: `${target.checkpointMb ?? DUCKDB_CHECKPOINT_MB}MB`,
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
