/**
 * The user-agent dimension and the product catalog, upserted with each batch: candidates are the
 * batch's distinct keys not yet known, appended columnar to a temp table made for them and moved
 * with INSERT OR IGNORE on the primary key, so a product or user agent is never stored twice and
 * the first URL and first-seen time are kept. Known keys are cached once committed.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Cell, RowBatch } from "../../../messages/staging_columns.ts";
import { cellsAt, columnOf } from "../batch_columns.ts";
import { isStringArray } from "../../runtime/guards.ts";
import type { KnownKeys } from "../known_keys.ts";
import {
  STAGING_TABLE_COLUMNS,
  type TableColumnType,
  USER_AGENT_COLUMNS,
} from "../table_columns.ts";
import { TEMP_TABLE, withAppender } from "./appender_scope.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";
import { isRepresentableMs } from "../value_limits.ts";
import { ADDED_UA_COLUMNS } from "./user_agent_fill.ts";

/** Rows to insert into one dimension, as columns in table order, and their keys. */
export interface Candidates {
  readonly keys: string[];
  readonly columns: ChunkColumn[];
}

/** Appends `candidates` to a fresh temp copy of `table`, then inserts the ones not there yet. */
async function insertNew(
  connection: DuckDBConnection,
  table: string,
  candidates: Candidates,
): Promise<number> {
  if (candidates.keys.length === 0) return 0;
  const incoming = `incoming_${table}`;
  const names = candidates.columns.map((c) => c.name).join(", ");
  // Made again for each upsert, not emptied with DELETE and filled again: that pattern made
  // DuckDB 1.5.5's statement on the refilled table take seconds in the user-agent re-parse
  // (bench/README.md, `ua-reparse`), and making it again is one statement instead of two.
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE ${incoming} AS SELECT ${names} FROM ${table} LIMIT 0`,
  );
  await withAppender(
    connection,
    incoming,
    (appender) => appendColumns(appender, candidates.columns, candidates.keys.length),
    TEMP_TABLE,
  );
  const result = await connection.run(
    `INSERT OR IGNORE INTO ${table} (${names}) SELECT ${names} FROM ${incoming}`,
  );
  return result.rowsChanged;
}

const typeOf = (name: string): TableColumnType =>
  STAGING_TABLE_COLUMNS.find((c) => c.name === name)?.type ?? "VARCHAR";

/** The batch's user agents not in `known`, once each, first seen at `seenAtMs`. */
export function userAgentCandidates(
  rows: RowBatch,
  known: KnownKeys,
  seenAtMs: number,
): Candidates {
  const ids = columnOf(rows, "user_agent_id");
  const picked: number[] = [];
  const keys: string[] = [];
  const inBatch = new Set<string>();
  for (let row = 0; row < rows.rowCount; row++) {
    const id = ids[row];
    if (typeof id !== "string" || known.has(id) || inBatch.has(id)) continue;
    inBatch.add(id);
    keys.push(id);
    picked.push(row);
  }
  // The original's fields and what narrow staging generations read from here beyond them.
  const columns: ChunkColumn[] = [...USER_AGENT_COLUMNS, ...ADDED_UA_COLUMNS].map((name) => ({
    name,
    type: typeOf(name),
    cells: cellsAt(rows, name, picked),
  }));
  columns.push({ name: "first_seen_at", type: "TIMESTAMPTZ", cells: keys.map(() => seenAtMs) });
  return { keys, columns };
}

/** Inserts the batch's unknown user agents; returns how many were new and the keys offered. */
export async function upsertUserAgents(
  connection: DuckDBConnection,
  rows: RowBatch,
  known: KnownKeys,
  seenAtMs: number,
): Promise<{ inserted: number; keys: string[] }> {
  const candidates = userAgentCandidates(rows, known, seenAtMs);
  const inserted = await insertNew(connection, "user_agents", candidates);
  return { inserted, keys: candidates.keys };
}

/**
 * The batch's catalog products (from `catalog_product_ids`) not in `known`, once each, with the
 * URL and event time of the first row naming them.
 */
export function productCandidates(rows: RowBatch, known: KnownKeys): Candidates {
  const lists = columnOf(rows, "catalog_product_ids");
  const keys: string[] = [];
  const picked: number[] = [];
  const inBatch = new Set<string>();
  for (let row = 0; row < rows.rowCount; row++) {
    const ids = lists[row];
    if (!isStringArray(ids)) continue;
    for (const id of ids) {
      if (id === "" || known.has(id) || inBatch.has(id)) continue;
      inBatch.add(id);
      keys.push(id);
      picked.push(row);
    }
  }
  const url = cellsAt(rows, "current_url", picked);
  const eventTimes = cellsAt(rows, "event_time_ms", picked);
  const kafkaTimes = cellsAt(rows, "_kafka_timestamp_ms", picked);
  // A first-seen time no warehouse TIMESTAMP can hold (a producer's year 10000) stays unknown.
  const firstSeen = picked.map((_, i): Cell => {
    const seen = eventTimes[i] ?? kafkaTimes[i] ?? null;
    return typeof seen === "number" && isRepresentableMs(seen) ? seen : null;
  });
  const columns: ChunkColumn[] = [
    { name: "product_id", type: "VARCHAR", cells: keys },
    { name: "url", type: "VARCHAR", cells: url },
    { name: "first_seen", type: "TIMESTAMPTZ", cells: firstSeen },
  ];
  return { keys, columns };
}

/** Inserts the batch's unknown catalog products (from `catalog_product_ids`) as uncrawled. */
export async function upsertProducts(
  connection: DuckDBConnection,
  rows: RowBatch,
  known: KnownKeys,
): Promise<{ inserted: number; keys: string[] }> {
  const candidates = productCandidates(rows, known);
  const inserted = await insertNew(connection, "product_catalog", candidates);
  return { inserted, keys: candidates.keys };
}
