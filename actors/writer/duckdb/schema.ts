/**
 * The DuckDB schema, created idempotently: one staging table per generation (`staging_g<N>`,
 * no index: dedupe is by watermark; narrow, `staging_shape.ts`), the generation register,
 * watermarks (per partition, with its watermark epoch and topic id) and their resets, dead
 * letters, the user-agent dimension (the original's twelve fields and the three `ua_` ones narrow
 * generations read from it), the product catalog, the export manifest (keyed where they
 * upsert) and `warehouse_metadata` (facts about the file by key, such as the user-agent parser
 * version its dimension was parsed with, `user_agent_reparse.ts`). Files from before a column was
 * added get it at open (`ALTER TABLE ... ADD COLUMN IF NOT EXISTS`; the dimension's `ua_` columns
 * are filled then, `user_agent_fill.ts`).
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { STAGING_COLUMNS } from "../../../messages/staging_columns.ts";
import { duckdbTypeSql, type TableColumnType, USER_AGENT_COLUMNS } from "../table_columns.ts";
import { NARROW_STAGING_COLUMNS, tableColumns } from "./staging_shape.ts";
import { ADDED_UA_COLUMNS, fillAddedUserAgentColumns } from "./user_agent_fill.ts";

/** Name of a generation's staging table. */
export function stagingTable(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new RangeError(`Cannot name a staging table for generation ${generation}`);
  }
  return `staging_g${generation}`;
}

const NOT_NULL = new Set(["_topic", "_partition", "_offset", "_ingested_at"]);

/**
 * DDL of a generation's staging table, with `columns` (the narrow shape every new generation
 * has, `staging_shape.ts`, unless an upgrade rebuilds a wide one or a bench narrows it further).
 */
export function stagingDdl(
  generation: number,
  columns: readonly { name: string; type: TableColumnType }[] = NARROW_STAGING_COLUMNS,
): string {
  const declared = columns.map((c) =>
    `"${c.name}" ${duckdbTypeSql(c.type)}${NOT_NULL.has(c.name) ? " NOT NULL" : ""}`
  );
  return `CREATE TABLE IF NOT EXISTS ${stagingTable(generation)} (${declared.join(", ")})`;
}

const uaType = (name: string) => STAGING_COLUMNS.find((c) => c.name === name)?.type ?? "VARCHAR";

/** Tables other than staging. */
const DDL = [
  `CREATE TABLE IF NOT EXISTS staging_generations (
    generation INTEGER PRIMARY KEY,
    state VARCHAR NOT NULL CHECK (state IN ('open', 'sealed', 'dropped')),
    created_at TIMESTAMPTZ NOT NULL,
    sealed_at TIMESTAMPTZ,
    row_count BIGINT,
    dropped_at TIMESTAMPTZ)`,
  `CREATE TABLE IF NOT EXISTS ingest_watermarks (
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    max_offset BIGINT NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (topic, "partition"))`,
  `ALTER TABLE ingest_watermarks ADD COLUMN IF NOT EXISTS epoch INTEGER DEFAULT 0`,
  `ALTER TABLE ingest_watermarks ADD COLUMN IF NOT EXISTS topic_id VARCHAR`,
  `CREATE TABLE IF NOT EXISTS watermark_resets (
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    epoch INTEGER NOT NULL,
    previous_max_offset BIGINT NOT NULL,
    previous_topic_id VARCHAR,
    from_offset BIGINT NOT NULL,
    reason VARCHAR NOT NULL,
    reset_at TIMESTAMPTZ NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS dead_letters (
    topic VARCHAR NOT NULL,
    "partition" INTEGER NOT NULL,
    "offset" BIGINT NOT NULL,
    kafka_timestamp_ms BIGINT,
    code VARCHAR NOT NULL,
    reason VARCHAR NOT NULL,
    raw BLOB NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL)`,
  `ALTER TABLE dead_letters ADD COLUMN IF NOT EXISTS offset_epoch INTEGER DEFAULT 0`,
  `CREATE TABLE IF NOT EXISTS user_agents (${
    USER_AGENT_COLUMNS.map((name) => `${name} ${uaType(name)}`).join(", ")
  }, first_seen_at TIMESTAMPTZ NOT NULL, PRIMARY KEY (user_agent_id))`,
  // What narrow staging generations read from the dimension beyond the original's twelve fields.
  ...ADDED_UA_COLUMNS.map((name) =>
    `ALTER TABLE user_agents ADD COLUMN IF NOT EXISTS ${name} ${uaType(name)}`
  ),
  // The catalog was named `products` before that name became the original's view (views.ts).
  `CREATE TABLE IF NOT EXISTS product_catalog (
    product_id VARCHAR PRIMARY KEY,
    url VARCHAR,
    first_seen TIMESTAMPTZ,
    is_crawled BOOLEAN NOT NULL DEFAULT false,
    crawled_at TIMESTAMPTZ,
    http_status INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    product_name VARCHAR)`,
  `CREATE TABLE IF NOT EXISTS export_manifest (
    generation INTEGER PRIMARY KEY,
    location VARCHAR NOT NULL,
    row_count BIGINT NOT NULL,
    exported_at TIMESTAMPTZ NOT NULL,
    files VARCHAR[] NOT NULL,
    bytes BIGINT NOT NULL,
    checksum VARCHAR NOT NULL)`,
  // Facts about the file as a whole, by key (the user-agent parser version: user_agent_reparse.ts).
  `CREATE TABLE IF NOT EXISTS warehouse_metadata (
    key VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL)`,
];

/** Renames the catalog table an older version named `products` (that name is a view now). */
async function renameOldCatalog(connection: DuckDBConnection): Promise<void> {
  const [[kind] = []] = (await connection.runAndReadAll(
    `SELECT table_type FROM information_schema.tables
     WHERE table_schema = 'main' AND table_name = 'products'`,
  )).getRowsJS();
  if (kind === "BASE TABLE") await connection.run("ALTER TABLE products RENAME TO product_catalog");
}

/** Creates the schema if missing and returns the open generation (creating generation 1). */
export async function createSchema(connection: DuckDBConnection): Promise<number> {
  await connection.run("BEGIN TRANSACTION");
  try {
    await renameOldCatalog(connection);
    // Read before the DDL adds them (in a new file there is no table yet: the fill finds no one).
    const addsUaColumns = !(await tableColumns(connection, "user_agents"))
      .includes(ADDED_UA_COLUMNS[0]);
    for (const ddl of DDL) await connection.run(ddl);
    if (addsUaColumns) await fillAddedUserAgentColumns(connection);
    for (
      const [generation] of (await connection.runAndReadAll(
        "SELECT generation FROM staging_generations WHERE state <> 'dropped'",
      )).getRowsJS()
    ) {
      await connection.run(
        `ALTER TABLE IF EXISTS ${stagingTable(Number(generation))} ` +
          `ADD COLUMN IF NOT EXISTS _offset_epoch INTEGER DEFAULT 0`,
      );
    }
    const reader = await connection.runAndReadAll(
      "SELECT max(generation) FROM staging_generations WHERE state = 'open'",
    );
    let open = reader.getRowsJS()[0]?.[0];
    if (typeof open !== "number") {
      const last = await connection.runAndReadAll(
        "SELECT coalesce(max(generation), 0) FROM staging_generations",
      );
      open = Number(last.getRowsJS()[0]?.[0] ?? 0) + 1;
      await connection.run(
        "INSERT INTO staging_generations (generation, state, created_at) VALUES ($1, 'open', now())",
        [open],
      );
    }
    await connection.run(stagingDdl(open));
    await connection.run("COMMIT");
    return open;
  } catch (error: unknown) {
    await connection.run("ROLLBACK");
    throw new Error("Cannot create the warehouse schema", { cause: error });
  }
}
