/**
 * The Bronze contract (`BRONZE_CONTRACT.md`) as the fixture writes it: the staging table's
 * columns as the pipeline exports them (`option` and `cart_products` nested lists of structs,
 * `order_id` BIGINT, `utm_*` BOOLEAN, all coerced by the enricher), plus `_ingested_at` and
 * `_offset_epoch` (the partition's watermark epoch, as the writer's staging table has it); and one
 * staged row turned into JSON-ready data for that shape.
 */
import { type Cell, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { duckdbTypeSql } from "../../actors/writer/table_columns.ts";

/** The Bronze `summary` columns with their DuckDB types, in order. */
export const BRONZE_COLUMNS: readonly { name: string; type: string }[] = [
  ...STAGING_COLUMNS.map((c) => ({ name: c.name, type: duckdbTypeSql(c.type) })),
  { name: "_ingested_at", type: "TIMESTAMPTZ" },
  { name: "_offset_epoch", type: "INTEGER" },
];

/** A Bronze row as JSON-ready plain data (nested values as arrays and objects). */
export type BronzeRow = Record<string, unknown>;

/**
 * The Bronze row of one staged row (`cells`, in `STAGING_COLUMNS` order), stamped with the
 * partition's watermark `offsetEpoch`.
 */
export function bronzeRow(
  cells: readonly Cell[],
  ingestedAtMs: number,
  offsetEpoch = 0,
): BronzeRow {
  const row: BronzeRow = {};
  STAGING_COLUMNS.forEach((c, i) => row[c.name] = cells[i] ?? null);
  row._ingested_at = new Date(ingestedAtMs).toISOString();
  row._offset_epoch = offsetEpoch;
  return row;
}
