/**
 * Crawl state of the product catalog in BigQuery, append-only: each crawl outcome is a new row
 * of `product_crawls`, never an UPDATE (BigQuery refuses DML on freshly streamed rows). A
 * product's state resolves by query: attempts = outcomes, done = the latest outcome's, name = the
 * latest name found.
 */

import type { BigQuery } from "@google-cloud/bigquery";
import { streamRows } from "./stream_rows.ts";
import { int, query, str } from "./client.ts";
import { timestamp } from "./row_encoding.ts";
import { committedDimension, tableRef } from "./visible_rows.ts";
import type { CrawlResult, ProductToCrawl } from "../../../messages/crawler.ts";

/** The catalog resolved to one current row per product. */
export function currentCatalog(dataset: string): string {
  return `WITH crawls AS (
      SELECT product_id, done, product_name, crawled_at, recorded_at,
        COUNT(*) OVER (PARTITION BY product_id) AS attempts,
        ROW_NUMBER() OVER (PARTITION BY product_id ORDER BY crawled_at DESC, recorded_at DESC)
          AS newest
      FROM ${tableRef(dataset, "product_crawls")}),
    names AS (
      SELECT product_id, product_name, ROW_NUMBER() OVER (
        PARTITION BY product_id ORDER BY crawled_at DESC, recorded_at DESC) AS newest
      FROM ${tableRef(dataset, "product_crawls")} WHERE product_name IS NOT NULL)
    SELECT p.product_id, p.url, p.first_seen, COALESCE(c.attempts, 0) AS attempts,
      COALESCE(c.done, FALSE) AS is_crawled, n.product_name
    FROM (${committedDimension(dataset, "product_catalog")}) AS p
    LEFT JOIN (SELECT * FROM crawls WHERE newest = 1) AS c ON c.product_id = p.product_id
    LEFT JOIN (SELECT * FROM names WHERE newest = 1) AS n ON n.product_id = p.product_id`;
}

/** Up to `limit` uncrawled products with a URL, first seen first. */
export async function uncrawled(
  client: BigQuery,
  dataset: string,
  limit: number,
): Promise<ProductToCrawl[]> {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`Cannot list uncrawled products: limit ${limit} is not a count`);
  }
  const rows = await query(
    client,
    `SELECT product_id, url, attempts FROM (${currentCatalog(dataset)})
     WHERE NOT is_crawled AND url IS NOT NULL
     ORDER BY first_seen IS NULL, first_seen, product_id LIMIT ${limit}`,
  );
  return rows.map((r) => ({
    productId: str(r, "product_id"),
    url: str(r, "url"),
    attempts: int(r, "attempts"),
  }));
}

/** Appends the outcomes of catalog products; returns how many of them it recorded. */
export async function mergeCrawls(
  client: BigQuery,
  dataset: string,
  results: readonly CrawlResult[],
): Promise<number> {
  if (results.length === 0) return 0;
  const ids = [...new Set(results.map((r) => r.productId))];
  const found = await query(
    client,
    `SELECT product_id FROM (${
      committedDimension(dataset, "product_catalog", "d.product_id IN UNNEST(@ids)")
    })`,
    { ids },
  );
  const known = new Set(found.map((r) => str(r, "product_id")));
  const recordedAt = timestamp(Date.now());
  const rows = results.filter((r) => known.has(r.productId)).map((r) => ({
    insertId: `${r.productId}-${r.crawledAtMs}`,
    json: {
      product_id: r.productId,
      crawled_at: timestamp(r.crawledAtMs),
      http_status: r.httpStatus,
      product_name: r.productName,
      done: r.done,
      recorded_at: recordedAt,
    },
  }));
  await streamRows(client, dataset, "product_crawls", rows);
  return rows.length;
}
