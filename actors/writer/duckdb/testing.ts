/**
 * Test helpers for the DuckDB warehouse: files as older versions left them.
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { stagingDdl, stagingTable } from "./schema.ts";
import { generationSelect } from "./staging_shape.ts";

/**
 * Rebuilds the (narrow) staging generations `generations` of the closed file at `path` in the
 * wide shape a version before issue 18's narrow row wrote: every UA field on the row, as the
 * dimension holds it; then runs `sql`.
 */
export async function asWideVersionWroteIt(
  path: string,
  generations: readonly number[],
  sql: readonly string[] = [],
): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    for (const g of generations) {
      const table = stagingTable(g);
      await connection.run(`ALTER TABLE ${table} RENAME TO ${table}_narrow`);
      await connection.run(stagingDdl(g, STAGING_TABLE_COLUMNS));
      await connection.run(
        `INSERT INTO ${table} SELECT * FROM (${generationSelect(`${table}_narrow`, "narrow")})`,
      );
      await connection.run(`DROP TABLE ${table}_narrow`);
    }
    for (const statement of sql) await connection.run(statement);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
