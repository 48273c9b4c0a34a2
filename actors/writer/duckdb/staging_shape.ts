/**
 * The two shapes of a DuckDB staging generation (issue 18). A narrow generation, the one every
 * generation is created with now, leaves the raw User-Agent and the fields derived from it to the
 * `user_agents` dimension (it keeps `user_agent_id`): COMMIT writes every staged row into the WAL
 * on the writer's one thread, and that group was a fifth of DuckDB's per-row time. A wide
 * generation, written by an older version, holds them on every row and is only read. Readers see
 * one shape: a generation's select gives a narrow one's rows with the dimension's fields (LEFT
 * JOIN on `user_agent_id`, nulls for a row without one), in the staging table's column order, and a
 * wide one's as stored.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { COLUMN_GROUPS, columnsWithout } from "./column_groups.ts";

/** A staging generation's shape: `wide` holds the UA fields on every row, `narrow` does not. */
export type StagingShape = "wide" | "narrow";

/** The columns a narrow generation reads from `user_agents`, in staging table order. */
export const DIMENSION_UA_COLUMNS: readonly string[] = STAGING_TABLE_COLUMNS
  .map((c) => c.name)
  .filter((name) => (COLUMN_GROUPS.ua as readonly string[]).includes(name));

/** The columns of a narrow generation's table, in table order. */
export const NARROW_STAGING_COLUMNS: readonly { name: string; type: TableColumnType }[] =
  columnsWithout(["ua"]);

/** The shape of a staging table with columns `columns`: wide when it holds the raw UA string. */
export function shapeOf(columns: readonly string[]): StagingShape {
  return columns.includes("user_agent") ? "wide" : "narrow";
}

/** The columns a table of `shape` declares, in table order. */
export function declaredColumns(
  shape: StagingShape,
): readonly { name: string; type: TableColumnType }[] {
  return shape === "wide" ? STAGING_TABLE_COLUMNS : NARROW_STAGING_COLUMNS;
}

const dimensionColumns = new Set(DIMENSION_UA_COLUMNS);

/**
 * The select that reads staging table `table` of `shape` as readers see it: a wide table as
 * stored (`SELECT *`), a narrow one with every staging column in `STAGING_TABLE_COLUMNS` order,
 * its UA fields from the dimension (null for a row without a `user_agent_id`).
 */
export function generationSelect(table: string, shape: StagingShape): string {
  if (shape === "wide") return `SELECT * FROM ${table}`;
  const columns = STAGING_TABLE_COLUMNS.map((c) =>
    `${dimensionColumns.has(c.name) ? "u" : "s"}."${c.name}"`
  );
  return `SELECT ${
    columns.join(", ")
  } FROM ${table} s LEFT JOIN user_agents u USING (user_agent_id)`;
}

/** Column names and DuckDB types of `table`, in table order. */
export async function columnTypes(
  connection: DuckDBConnection,
  table: string,
): Promise<[string, string][]> {
  const rows = (await connection.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' AND table_name = $1 ORDER BY column_index`,
    [table],
  )).getRowsJS();
  return rows.map(([name, type]): [string, string] => [String(name), String(type)]);
}

/** Column names of `table`, in table order. */
export async function tableColumns(connection: DuckDBConnection, table: string): Promise<string[]> {
  return (await columnTypes(connection, table)).map(([name]) => name);
}
