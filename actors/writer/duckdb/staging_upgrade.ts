/**
 * Brings a staging generation of a warehouse file written by an older version to today's
 * columns, at open: the appender writes by position, so the table is rebuilt in the declared
 * order of its shape (rows copied by name, new columns null), inside the caller's transaction,
 * and the old table goes only once the copy holds every row. Columns whose type changed (issue
 * 14: text `order_id`, `utm_*`, JSON-text `option`, `cart_products`) are read again with the
 * enricher's coercion (staging_retype.ts). The open generation is always brought up to date;
 * sealed ones not yet exported only when a column changed type (added columns they export as
 * they are). A wide generation (`staging_shape.ts`) is never rebuilt narrow, which would lose the
 * UA fields of rows whose dimension row may hold another parse or none: an open wide one with
 * rows is sealed here and a narrow one opened after it (an empty one is made again narrow), so
 * appends always go to a narrow table and wide ones are only read.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";
import { stagingDdl, stagingTable } from "./schema.ts";
import { sealIn } from "./generations.ts";
import {
  columnTypes,
  declaredColumns,
  shapeOf,
  type StagingShape,
  tableColumns,
} from "./staging_shape.ts";
import { replaceViews } from "./views.ts";
import { convertStaleColumns, RETYPED_TABLE } from "./staging_retype.ts";
import { RETYPED_COLUMNS } from "../retyped_columns.ts";

const log = getLogger("writer");

async function count(connection: DuckDBConnection, table: string): Promise<number> {
  const rows = (await connection.runAndReadAll(`SELECT count(*) FROM ${table}`)).getRowsJS();
  return Number(rows[0]?.[0] ?? 0);
}

/** Columns of `table` an older version stored as text that are typed now. */
export async function staleColumns(connection: DuckDBConnection, table: string) {
  const types = new Map(await columnTypes(connection, table));
  return RETYPED_COLUMNS.filter((name) => types.get(name) === "VARCHAR");
}

/**
 * Rebuilds `staging_g<generation>` in the column order `shape` declares when it differs; returns
 * the columns it added (empty when the table was current). Run inside a transaction.
 */
export async function upgradeStagingTable(
  connection: DuckDBConnection,
  generation: number,
  shape: StagingShape,
): Promise<string[]> {
  const table = stagingTable(generation);
  const existing = await tableColumns(connection, table);
  const declared = declaredColumns(shape).map((c) => c.name);
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
  await connection.run(stagingDdl(generation, declaredColumns(shape)));
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
  log.info("WriterStagingUpgraded", { generation, shape, added, retyped: stale, rows: after });
  return added;
}

/**
 * Makes the open generation `open` a narrow one: a wide one with rows is sealed and `open + 1`
 * opened narrow, an empty wide one made again narrow (nothing in it to keep). Returns the open
 * generation. Run inside a transaction.
 */
async function narrowOpen(connection: DuckDBConnection, open: number): Promise<number> {
  const table = stagingTable(open);
  if (shapeOf(await tableColumns(connection, table)) === "narrow") return open;
  const rows = await count(connection, table);
  if (rows === 0) {
    await connection.run(`DROP TABLE ${table}`);
    await connection.run(stagingDdl(open));
    log.info("WriterWideGenerationNarrowed", { generation: open });
    return open;
  }
  const sealed = await sealIn(connection, open);
  log.info("WriterWideGenerationSealed", { ...sealed, opened: open + 1 });
  return open + 1;
}

/**
 * Makes the open generation narrow (`narrowOpen`) and brings it up to date, upgrades every
 * sealed generation not yet exported whose columns changed type, in its own shape (so every
 * export from now on writes the typed Bronze), then replaces the views. Returns the open
 * generation. Run inside a transaction.
 */
export async function upgradeStagingTables(
  connection: DuckDBConnection,
  open: number,
): Promise<number> {
  const current = await narrowOpen(connection, open);
  await upgradeStagingTable(connection, current, "narrow");
  const sealed = (await connection.runAndReadAll(
    "SELECT generation FROM staging_generations WHERE state = 'sealed' ORDER BY generation",
  )).getRowsJS().map(([g]) => Number(g));
  for (const generation of sealed) {
    const table = stagingTable(generation);
    if ((await staleColumns(connection, table)).length > 0) {
      await upgradeStagingTable(
        connection,
        generation,
        shapeOf(await tableColumns(connection, table)),
      );
    }
  }
  await replaceViews(connection);
  return current;
}
