/**
 * DuckDB's conversion of a generation written before columns changed type
 * (`retyped_columns.ts`): the old rows read again into a temporary table keyed by the old row's
 * rowid, which the staging rebuild joins.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Cell } from "../../../messages/staging_columns.ts";
import { retypeRow } from "../retyped_columns.ts";
import { duckdbTypeSql, STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { withAppender } from "./appender_scope.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";

/** Name of the temporary table of converted values. */
export const RETYPED_TABLE = "staging_retyped";

/**
 * Converts the `stale` columns of `table` into `RETYPED_TABLE` (rid, the columns, field_problems,
 * extra); returns the rows converted. Run inside the rebuild's transaction.
 */
export async function convertStaleColumns(
  connection: DuckDBConnection,
  table: string,
  stale: readonly string[],
): Promise<number> {
  const quoted = stale.map((name) => `"${name}"`).join(", ");
  const rows = (await connection.runAndReadAll(
    `SELECT rowid, ${quoted}, field_problems, extra FROM ${table}`,
  )).getRowsJS();
  const rid: Cell[] = [];
  const converted: Cell[][] = stale.map(() => []);
  const problemsColumn: Cell[] = [];
  const extraColumn: Cell[] = [];
  for (const row of rows) {
    const [id, ...rest] = row;
    const retyped = retypeRow(stale, rest, rest[stale.length], rest[stale.length + 1]);
    retyped.values.forEach((value, i) => converted[i]?.push(value));
    rid.push(Number(id));
    problemsColumn.push(retyped.problems);
    extraColumn.push(retyped.extra);
  }
  const members = stale.map((name) => `"${name}" ${duckdbTypeSql(stagingType(name))}`)
    .join(", ");
  await connection.run(
    `CREATE TEMP TABLE ${RETYPED_TABLE} (rid BIGINT, ${members}, field_problems VARCHAR[], ` +
      `extra VARCHAR)`,
  );
  const columns: ChunkColumn[] = [
    { name: "rid", type: "BIGINT", cells: rid },
    ...stale.map((name, i): ChunkColumn => ({
      name,
      type: stagingType(name),
      cells: converted[i] ?? [],
    })),
    { name: "field_problems", type: "VARCHAR[]", cells: problemsColumn },
    { name: "extra", type: "VARCHAR", cells: extraColumn },
  ];
  await withAppender(
    connection,
    RETYPED_TABLE,
    (appender) => appendColumns(appender, columns, rows.length),
  );
  return rows.length;
}

function stagingType(name: string): TableColumnType {
  const type = STAGING_TABLE_COLUMNS.find((c) => c.name === name)?.type;
  if (type === undefined) throw new RangeError(`No staging column is named ${name}`);
  return type;
}
