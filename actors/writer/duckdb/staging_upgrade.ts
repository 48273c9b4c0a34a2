/**
 * Brings a staging generation of a warehouse file written by an older version to today's
 * columns, at open: the appender writes by position, so the table is rebuilt in the declared
 * order (rows copied by name, new columns null), inside the caller's transaction, and the old
 * table goes only once the copy holds every row. Columns whose type changed (issue 14: text
 * `order_id`, `utm_*`, JSON-text `option`, `cart_products`) are read again with the enricher's
 * coercion (staging_retype.ts). The open generation is always brought up to date; sealed ones
 * not yet exported only when a column changed type (added columns they export as they are).
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { stagingDdl, stagingTable } from "./schema.ts";
import { replaceViews } from "./views.ts";
import { convertStaleColumns, RETYPED_TABLE } from "./staging_retype.ts";
import { RETYPED_COLUMNS } from "../retyped_columns.ts";

const log = getLogger("writer");

async function count(connection: DuckDBConnection, table: string): Promise<number> {
  const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS();
  return Number(rows[0]?.[0] ?? 0);
}

/** Column names of `table`, in table order. */
export async function tableColumns(connection: DuckDBConnection, table: string): Promise<string[]> {
  return (await columnTypes(connection, table)).map(([name]) => name);
}

/** Column names and DuckDB types of `table`, in table order. */
async function columnTypes(connection: DuckDBConnection, table: string) {
  const rows = (await connection.runAndReadAll(
    `SELECT column_name, data_type FROM duckdb_columns()
     WHERE schema_name = 'main' AND table_name = $1 ORDER BY column_index`,
    [table],
  )).getRowsJS();
  return rows.map(([name, type]): [string, string] => [String(name), String(type)]);
}

/** Columns of `table` an older version stored as text that are typed now. */
export async function staleColumns(connection: DuckDBConnection, table: string) {
  const types = new Map(await columnTypes(connection, table));
  return RETYPED_COLUMNS.filter((name) => types.get(name) === "VARCHAR");
}

/**
 * Rebuilds `staging_g<generation>` in the declared column order when it differs; returns the
 * columns it added (empty when the table was current). Run inside a transaction.
 */
export async function upgradeStagingTable(
  connection: DuckDBConnection,
  generation: number,
): Promise<string[]> {
  const table = stagingTable(generation);
  const existing = await tableColumns(connection, table);
  const declared = STAGING_TABLE_COLUMNS.map((c) => c.name);
  const stale = await staleColumns(connection, table);
  if (existing.join("\0") === declared.join("\0") && stale.length === 0) return [];
  const unknown = existing.filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Cannot open staging generation ${generation}: ${table} has columns this version does not ` +
        `declare (${unknown.join(", ")}); it was written by a newer version, run that one`,
    );
  }
  const old = `${table}_upgrading`;
  await connection.run(`ALTER TABLE ${table} RENAME TO ${old}`);
  const kept = declared.filter((name) => existing.includes(name));
  // Converted values and the problems and extra they add come from the retyped table.
  const fromRetyped = new Set(stale.length === 0 ? [] : [...stale, "field_problems", "extra"]);
  const select = kept.map((n) => `${fromRetyped.has(n) ? "r" : "o"}."${n}"`).join(", ");
  const from = stale.length === 0
    ? `${old} AS o`
    : `${old} AS o JOIN ${RETYPED_TABLE} AS r ON r.rid = o.rowid`;
  if (stale.length > 0) await convertStaleColumns(connection, old, stale);
  await connection.run(stagingDdl(generation));
  await connection.run(
    `INSERT INTO ${table} (${kept.map((n) => `"${n}"`).join(", ")}) SELECT ${select} FROM ${from}`,
  );
  const [before, after] = [await count(connection, old), await count(connection, table)];
  if (before !== after) {
    throw new Error(`Cannot upgrade ${table}: copied ${after} of its ${before} rows`);
  }
  await connection.run(`DROP TABLE ${old}`);
  if (stale.length > 0) await connection.run(`DROP TABLE ${RETYPED_TABLE}`);
  const added = declared.filter((name) => !existing.includes(name));
  log.info("WriterStagingUpgraded", { generation, added, retyped: stale, rows: after });
  return added;
}

/**
 * Upgrades the open generation `open`, and every sealed generation not yet exported whose
 * columns changed type (so every export from now on writes the typed Bronze), then replaces the
 * views. Run inside a transaction.
 */
export async function upgradeStagingTables(
  connection: DuckDBConnection,
  open: number,
): Promise<void> {
  await upgradeStagingTable(connection, open);
  const sealed = (await connection.runAndReadAll(
    "SELECT generation FROM staging_generations WHERE state = 'sealed' ORDER BY generation",
  )).getRowsJS().map(([g]) => Number(g));
  for (const generation of sealed) {
    if ((await staleColumns(connection, stagingTable(generation))).length > 0) {
      await upgradeStagingTable(connection, generation);
    }
  }
  await replaceViews(connection);
}
