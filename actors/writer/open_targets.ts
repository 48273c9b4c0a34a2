/**
 * Builds the warehouse and lake the writer's configuration names: DuckDB and a local folder by
 * default, BigQuery and Cloud Storage at scale (endpoints overridable for emulators).
 */
import { Storage } from "@google-cloud/storage";
import { PassThroughClient } from "google-auth-library";
import type { WriterArgs } from "../../messages/writer.ts";
import { FolderLake } from "../exporter/folder_lake.ts";
import { GcsLake } from "../exporter/gcs_lake.ts";
import type { Lake } from "../exporter/lake.ts";
import { BigQueryWarehouse } from "./bigquery/bigquery_warehouse.ts";
import { DuckDBWarehouse } from "./duckdb/duckdb_warehouse.ts";
import type { FaultHook } from "./fault_hook.ts";
import type { Warehouse } from "./warehouse.ts";

/** The configured warehouse (not opened yet). */
export function openWarehouse(args: WriterArgs, faults?: FaultHook): Warehouse {
  const target = args.warehouse;
  if (target.kind === "duckdb") {
    return new DuckDBWarehouse({ path: target.path, ...(faults ? { faults } : {}) });
  }
  return new BigQueryWarehouse({
    projectId: target.project,
    dataset: target.dataset,
    credentials: args.bigqueryEndpoint === null ? "adc" : "none",
    requestTimeoutMs: args.requestTimeoutMs,
    ...(args.bigqueryEndpoint === null ? {} : { apiEndpoint: args.bigqueryEndpoint }),
    ...(faults ? { faults } : {}),
  });
}

/** The configured lake. */
export function openLake(args: WriterArgs): Lake {
  const target = args.lake;
  if (target.kind === "folder") return new FolderLake(target.path);
  const storage = args.storageEndpoint === null
    ? new Storage()
    : new Storage({ apiEndpoint: args.storageEndpoint, authClient: new PassThroughClient() });
  return new GcsLake({
    storage,
    bucket: target.bucket,
    prefix: target.prefix,
    scratchDir: `${args.dataDir}/lake-scratch`,
    requestTimeoutMs: args.requestTimeoutMs,
  });
}
