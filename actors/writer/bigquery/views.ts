/**
 * The original's names in BigQuery, with the visibility rules inside them, so the original's SQL
 * (and anyone's) runs without knowing how the writer commits:
 * - `summary`: the staged events not yet exported: rows of every `staging_g<N>` table (a
 *   wildcard, so a new generation needs no new view) covered by a valid commit of their
 *   generation (open, or covered by its seal), of generations not dropped, first copy per Kafka
 *   key; every staging column but the partitioning column `dt`.
 * - `user_agent`: user_agent_id, user_agent_raw and the twelve fields, first sighting per UA.
 * - `products`: product_id, current_url, is_crawl, product_name, plus first_seen, attempts.
 * Created (replaced) at every open. BigQuery resolves the wildcard when the view is queried;
 * the emulator when the view is made, so `summary` is also replaced whenever a generation's
 * table is created or deleted (cheap on BigQuery too).
 */

import type { BigQuery, Dataset } from "@google-cloud/bigquery";
import { USER_AGENT_COLUMNS } from "../table_columns.ts";
import { isRecord } from "../../runtime/guards.ts";
import { query, timed } from "./client.ts";
import { currentCatalog } from "./catalog.ts";
import { isAlreadyExists } from "./schema.ts";
import {
  committedDimension,
  generationRanksSql,
  tableRef,
  validCommitsSql,
} from "./visible_rows.ts";

/** The `summary` view's query over `dataset`. */
export function summaryViewSql(dataset: string): string {
  const staging = `\`${dataset}.staging_g*\``;
  return `SELECT * EXCEPT (_copy, _generation, dt) FROM (
    SELECT s.*, ROW_NUMBER() OVER (
      PARTITION BY s._topic, s._partition, COALESCE(s._offset_epoch, 0), s._offset
      ORDER BY s._generation, s._ingested_at) AS _copy
    FROM (SELECT *, SAFE_CAST(_TABLE_SUFFIX AS INT64) AS _generation FROM ${staging}) AS s
    JOIN (SELECT DISTINCT v.generation, v.topic, v.kafka_partition, v.epoch, v.from_offset,
            v.to_offset
          FROM (${validCommitsSql(dataset)}) AS v
          JOIN (${generationRanksSql(dataset)}) AS g ON g.generation = v.generation
          WHERE g.state_rank < 4) AS c
      ON c.generation = s._generation AND c.topic = s._topic AND c.kafka_partition = s._partition
      AND c.epoch = COALESCE(s._offset_epoch, 0)
      AND s._offset BETWEEN c.from_offset AND c.to_offset)
  WHERE _copy = 1`;
}

/** The `user_agent` view's query over `dataset`. */
export function userAgentViewSql(dataset: string): string {
  const columns = USER_AGENT_COLUMNS.map((name) =>
    name === "user_agent" ? "user_agent AS user_agent_raw" : name
  );
  return `SELECT ${columns.join(", ")} FROM (${committedDimension(dataset, "user_agents")})`;
}

/** The `products` view's query over `dataset`. */
export function productsViewSql(dataset: string): string {
  return `SELECT product_id, url AS current_url, is_crawled AS is_crawl, product_name,
    first_seen, attempts FROM (${currentCatalog(dataset)})`;
}

const isNotFound = (error: unknown) =>
  typeof error === "object" && error !== null && "code" in error && error.code === 404;

/** The type (`TABLE`, `VIEW`) and view query of `name` in `dataset`; null when it is absent. */
async function describe(
  dataset: Dataset,
  name: string,
): Promise<{ type: string; query: string | null } | null> {
  let metadata: unknown;
  try {
    [metadata] = await dataset.table(name).getMetadata();
  } catch (error: unknown) {
    if (isNotFound(error)) return null;
    throw error;
  }
  if (!isRecord(metadata)) return null;
  const view = isRecord(metadata.view) ? metadata.view : {};
  return {
    type: String(metadata.type ?? ""),
    query: typeof view.query === "string" ? view.query : null,
  };
}

/**
 * Moves the rows of an older version's `products` table into `product_catalog` and drops it, so
 * the name can be the view's. A crash in between copies them again on the next open: harmless,
 * readers take the first row per product.
 */
async function moveOldCatalog(client: BigQuery, dataset: string): Promise<void> {
  if ((await describe(client.dataset(dataset), "products"))?.type !== "TABLE") return;
  await query(
    client,
    `INSERT INTO ${tableRef(dataset, "product_catalog")} SELECT * FROM ${
      tableRef(dataset, "products")
    }`,
  );
  await timed(
    client,
    "drop the old products table",
    () => client.dataset(dataset).table("products").delete(),
  );
}

/** The emulator ignores OR REPLACE on an existing view ("table is already created"). */
function isEmulatorDuplicate(error: unknown): boolean {
  return error instanceof Error && /table is already created/.test(error.message);
}

/** Set once a server refused OR REPLACE on a view (the emulator): replace by delete and create. */
let replaceByDelete = false;

async function replaceView(
  client: BigQuery,
  dataset: string,
  name: string,
  sql: string,
): Promise<void> {
  const create = (replace: boolean) =>
    query(
      client,
      `CREATE ${replace ? "OR REPLACE " : ""}VIEW ${tableRef(dataset, name)} AS ${sql}`,
    );
  if (!replaceByDelete) {
    try {
      await create(true);
      return;
    } catch (error: unknown) {
      if (!isEmulatorDuplicate(error)) throw error;
      replaceByDelete = true;
    }
  }
  await timed(client, `replace view ${name}`, async () => {
    await client.dataset(dataset).table(name).delete().catch((gone: unknown) => {
      if (!isNotFound(gone)) throw gone;
    });
    // Two processes replacing it at once: the other one's view is the same.
    await create(false).catch((again: unknown) => {
      if (!isAlreadyExists(again) && !isEmulatorDuplicate(again)) throw again;
    });
  });
}

/** Creates view `name` unless it exists with the same query (one metadata read when it does). */
async function ensureView(client: BigQuery, dataset: string, name: string, sql: string) {
  if ((await describe(client.dataset(dataset), name))?.query?.trim() === sql.trim()) return;
  await replaceView(client, dataset, name, sql);
}

/** Replaces the `summary` view (after a generation's table was created or deleted). */
export function replaceSummaryView(client: BigQuery, dataset: string): Promise<void> {
  return replaceView(client, dataset, "summary", summaryViewSql(dataset));
}

/** Creates or replaces the three views (after moving an older catalog table out of the way). */
export async function createViews(client: BigQuery, dataset: string): Promise<void> {
  await moveOldCatalog(client, dataset);
  await replaceSummaryView(client, dataset);
  await ensureView(client, dataset, "user_agent", userAgentViewSql(dataset));
  await ensureView(client, dataset, "products", productsViewSql(dataset));
}
