/**
 * Brings the open staging generation of a warehouse file written by an older version to today's
 * columns, at open: the appender writes by position, so the table is rebuilt in the declared
 * order (rows copied by name, new columns null), inside the caller's schema transaction, and the
 * old table goes only once the copy holds every row. Sealed generations keep the columns they
 * were written with: they are exported as they are.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { stagingDdl, stagingTable } from "./schema.ts";

const log = getLogger("writer");

async function count(connection: DuckDBConnection, table: string): Promise<number> {
  const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS();
  return Number(rows[0]?.[0] ?? 0);
}

/** Column names of `table`, in table order. */
export async function tableColumns(connection: DuckDBConnection, table: string): Promise<string[]> {
  const rows = (await connection.runAndReadAll(
    `SELECT column_name FROM duckdb_columns()
     WHERE schema_name = 'main' AND table_name = $1 ORDER BY column_index`,
    [table],
  )).getRowsJS();
  return rows.map(([name]) => String(name));
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
  if (existing.join("\0") === declared.join("\0")) return [];
  const unknown = existing.filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Cannot open staging generation ${generation}: ${table} has columns this version does not ` +
        `declare (${unknown.join(", ")}); it was written by a newer version, run that one`,
    );
  }
  const kept = declared.filter((name) => existing.includes(name)).map((n) => `"${n}"`).join(", ");
  const old = `${table}_upgrading`;
  await connection.run(`ALTER TABLE ${table} RENAME TO ${old}`);
  await connection.run(stagingDdl(generation));
  await connection.run(`INSERT INTO ${table} (${kept}) SELECT ${kept} FROM ${old}`);
  const [before, after] = [await count(connection, old), await count(connection, table)];
  if (before !== after) {
    throw new Error(`Cannot upgrade ${table}: copied ${after} of its ${before} rows`);
  }
  await connection.run(`DROP TABLE ${old}`);
  const added = declared.filter((name) => !existing.includes(name));
  log.info("WriterStagingUpgraded", { generation, added, rows: after });
  return added;
}
