/**
 * The original's names in DuckDB, the stable interface for downstream SQL: views `summary` (the
 * staged events not yet exported, every generation's table at once, with the original's columns
 * and types plus the enrichment and Kafka columns), `user_agent` (user_agent_id, user_agent_raw
 * and the twelve fields) and `products` (product_id, current_url, is_crawl, product_name plus the
 * catalog's crawl columns). `summary` is replaced in the same transaction that creates, seals or
 * drops a generation, so it never names a table that is gone. It reads each generation as the
 * export does (`staging_shape.ts`: a narrow one with its user agents' fields from the dimension)
 * and names the columns in the staging table's order, whatever shapes the generations have.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { STAGING_TABLE_COLUMNS, USER_AGENT_COLUMNS } from "../table_columns.ts";
import { stagingTable } from "./schema.ts";
import { generationSelect, shapeOf, tableColumns } from "./staging_shape.ts";

/** The user-agent view's columns over the `user_agents` table. */
const USER_AGENT_SELECT = USER_AGENT_COLUMNS.map((name) =>
  name === "user_agent" ? "user_agent AS user_agent_raw" : name
).join(", ");

/** Views that do not depend on the generations. */
const FIXED_VIEWS = [
  `CREATE OR REPLACE VIEW user_agent AS SELECT ${USER_AGENT_SELECT} FROM user_agents`,
  `CREATE OR REPLACE VIEW products AS SELECT product_id, url AS current_url,
     is_crawled AS is_crawl, product_name, first_seen, crawled_at, http_status, attempts
   FROM product_catalog`,
];

/** Replaces every view; run inside the transaction that changed the generations. */
export async function replaceViews(connection: DuckDBConnection): Promise<void> {
  for (const sql of FIXED_VIEWS) await connection.run(sql);
  const generations = (await connection.runAndReadAll(
    `SELECT generation FROM staging_generations g
     WHERE state IN ('open', 'sealed') AND EXISTS (
       SELECT 1 FROM duckdb_tables() t
       WHERE t.schema_name = 'main' AND t.table_name = 'staging_g' || g.generation)
     ORDER BY generation`,
  )).getRowsJS().map(([g]) => Number(g));
  const selects: string[] = [];
  const present = new Set<string>();
  for (const generation of generations) {
    const table = stagingTable(generation);
    const columns = await tableColumns(connection, table);
    const shape = shapeOf(columns);
    selects.push(generationSelect(table, shape));
    for (const name of shape === "narrow" ? STAGING_TABLE_COLUMNS.map((c) => c.name) : columns) {
      present.add(name);
    }
  }
  // BY NAME: a sealed generation an older version wrote may lack a column added since (null).
  const union = selects.join(" UNION ALL BY NAME ");
  const ordered = [
    ...STAGING_TABLE_COLUMNS.map((c) => c.name).filter((name) => present.has(name)),
    ...[...present].filter((name) => !STAGING_TABLE_COLUMNS.some((c) => c.name === name)),
  ];
  await connection.run(
    `CREATE OR REPLACE VIEW summary AS SELECT ${
      ordered.map((name) => `"${name}"`).join(", ")
    } FROM (${union})`,
  );
}
