/**
 * What both warehouses store beyond the staging row, declared once: the staging table's columns
 * (the row, then what the writer stamps) with their types, and the user-agent dimension's columns.
 * DuckDB and BigQuery build their tables from these (DuckDB's staging generations without the
 * user-agent fields, which its dimension holds: `duckdb/staging_shape.ts`); the lake's Parquet
 * files carry them all.
 */
import {
  type ColumnType,
  isNestedType,
  NESTED_TYPES,
  STAGING_COLUMNS,
} from "../../messages/staging_columns.ts";
import { duckdbStructListSql } from "../../messages/nested_columns.ts";

/** Column types of the staging table; `TIMESTAMPTZ` holds epoch milliseconds on the way in. */
export type TableColumnType = ColumnType | "TIMESTAMPTZ";

/** DuckDB's SQL spelling of a column type (nested lists as `STRUCT(...)[]`). */
export function duckdbTypeSql(type: TableColumnType): string {
  return isNestedType(type) ? duckdbStructListSql(NESTED_TYPES[type]) : type;
}

/**
 * Staging columns in table order: the contract's columns, then what the writer stamps:
 * `_ingested_at` (epoch ms in) and `_offset_epoch`, the partition's watermark epoch (0 until the
 * partition is reset for a new log under the same name; the unique key is topic, partition,
 * epoch and offset).
 */
export const STAGING_TABLE_COLUMNS: readonly { name: string; type: TableColumnType }[] = [
  ...STAGING_COLUMNS,
  { name: "_ingested_at", type: "TIMESTAMPTZ" },
  { name: "_offset_epoch", type: "INTEGER" },
];

/** The user-agent columns of the staging row that the dimension keeps, key first. */
export const USER_AGENT_COLUMNS = [
  "user_agent_id",
  "user_agent",
  "browser_family",
  "browser_version",
  "os_family",
  "os_version",
  "device_family",
  "device_brand",
  "device_model",
  "is_mobile",
  "is_tablet",
  "is_touch_capable",
  "is_pc",
  "is_bot",
] as const;
