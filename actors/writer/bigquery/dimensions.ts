/**
 * The user-agent dimension and the product catalog in BigQuery, append-only: a batch offers the
 * keys not cached as stored, one query finds which of them are committed already, and the rest
 * are streamed with the coordinates of the row that introduced them (visible once committed).
 */

import type { BigQuery } from "@google-cloud/bigquery";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import { columnOf } from "../batch_columns.ts";
import { isStringArray } from "../../runtime/guards.ts";
import type { KnownKeys } from "../known_keys.ts";
import { USER_AGENT_COLUMNS } from "../table_columns.ts";
import { query, str } from "./client.ts";
import { type StreamRow, timestamp } from "./row_encoding.ts";
import { isRepresentableMs } from "../value_limits.ts";
import { committedDimension } from "./visible_rows.ts";

/** New dimension rows to stream and the keys they carry. */
export interface DimensionRows {
  readonly rows: StreamRow[];
  /** Every key of the batch now known committed once the batch commits. */
  readonly keys: string[];
}

/** Keys among `keys` that `table` holds committed. */
async function committedKeys(
  client: BigQuery,
  dataset: string,
  table: "user_agents" | "product_catalog",
  keys: readonly string[],
): Promise<Set<string>> {
  if (keys.length === 0) return new Set();
  const key = table === "user_agents" ? "user_agent_id" : "product_id";
  const rows = await query(
    client,
    `SELECT ${key} FROM (${committedDimension(dataset, table, `d.${key} IN UNNEST(@keys)`)})`,
    { keys },
  );
  return new Set(rows.map((r) => str(r, key)));
}

function coordinates(rows: RowBatch, row: number) {
  return {
    _topic: columnOf(rows, "_topic")[row],
    _partition: columnOf(rows, "_partition")[row],
    _offset: columnOf(rows, "_offset")[row],
  };
}

/** User agents of `rows` not committed yet, as rows to stream. */
export async function newUserAgents(
  client: BigQuery,
  dataset: string,
  rows: RowBatch,
  known: KnownKeys,
  seenAtMs: number,
): Promise<DimensionRows> {
  const ids = columnOf(rows, "user_agent_id");
  const first = new Map<string, number>();
  for (let row = 0; row < rows.rowCount; row++) {
    const id = ids[row];
    if (typeof id === "string" && !known.has(id) && !first.has(id)) first.set(id, row);
  }
  const stored = await committedKeys(client, dataset, "user_agents", [...first.keys()]);
  const out: StreamRow[] = [];
  for (const [id, row] of first) {
    if (stored.has(id)) continue;
    const json: Record<string, unknown> = { first_seen_at: timestamp(seenAtMs) };
    for (const name of USER_AGENT_COLUMNS) json[name] = columnOf(rows, name)[row] ?? null;
    Object.assign(json, coordinates(rows, row));
    out.push({ insertId: `${id}:${json._topic}-${json._partition}-${json._offset}`, json });
  }
  return { rows: out, keys: [...first.keys()] };
}

/** Catalog products of `rows` (from `catalog_product_ids`) not committed yet, as uncrawled. */
export async function newProducts(
  client: BigQuery,
  dataset: string,
  rows: RowBatch,
  known: KnownKeys,
): Promise<DimensionRows> {
  const lists = columnOf(rows, "catalog_product_ids");
  const first = new Map<string, number>();
  for (let row = 0; row < rows.rowCount; row++) {
    const ids = lists[row];
    if (!isStringArray(ids)) continue;
    for (const id of ids) if (id !== "" && !known.has(id) && !first.has(id)) first.set(id, row);
  }
  const stored = await committedKeys(client, dataset, "product_catalog", [...first.keys()]);
  const urls = columnOf(rows, "current_url");
  const eventTimes = columnOf(rows, "event_time_ms");
  const kafkaTimes = columnOf(rows, "_kafka_timestamp_ms");
  const out: StreamRow[] = [];
  for (const [id, row] of first) {
    if (stored.has(id)) continue;
    const seen = eventTimes[row] ?? kafkaTimes[row] ?? null;
    const json: Record<string, unknown> = {
      product_id: id,
      url: urls[row] ?? null,
      first_seen: typeof seen === "number" && isRepresentableMs(seen) ? timestamp(seen) : null,
      ...coordinates(rows, row),
    };
    out.push({ insertId: `${id}:${json._topic}-${json._partition}-${json._offset}`, json });
  }
  return { rows: out, keys: [...first.keys()] };
}
