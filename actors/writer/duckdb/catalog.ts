/**
 * Crawl state of the product catalog in DuckDB: which products still need a name, and merging
 * crawl outcomes (attempts counted, status and time kept, a found name never erased by a miss).
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { inTransaction } from "./transaction.ts";
import type { CrawlResult, ProductToCrawl } from "../../../messages/crawler.ts";

/** Up to `limit` uncrawled products with a URL, first seen first. */
export async function uncrawled(
  connection: DuckDBConnection,
  limit: number,
): Promise<ProductToCrawl[]> {
  if (!Number.isSafeInteger(limit) || limit < 0) {
    throw new RangeError(`Cannot list uncrawled products: limit ${limit} is not a count`);
  }
  const reader = await connection.runAndReadAll(
    `SELECT product_id, url, attempts FROM product_catalog
     WHERE NOT is_crawled AND url IS NOT NULL ORDER BY first_seen NULLS LAST, product_id LIMIT $1`,
    [limit],
  );
  return reader.getRowsJS().map(([productId, url, attempts]) => ({
    productId: String(productId),
    url: String(url),
    attempts: Number(attempts),
  }));
}

/** Applies crawl outcomes in one transaction; returns how many catalog products it updated. */
export async function mergeCrawls(
  connection: DuckDBConnection,
  results: readonly CrawlResult[],
): Promise<number> {
  if (results.length === 0) return 0;
  return await inTransaction(connection, async () => {
    const statement = await connection.prepare(
      `UPDATE product_catalog SET attempts = attempts + 1, crawled_at = to_timestamp($2::DOUBLE / 1000),
       http_status = $3, product_name = coalesce($4, product_name), is_crawled = $5
       WHERE product_id = $1`,
    );
    let updated = 0;
    for (const r of results) {
      statement.bindVarchar(1, r.productId);
      statement.bindBigInt(2, BigInt(r.crawledAtMs));
      if (r.httpStatus === null) statement.bindNull(3);
      else statement.bindInteger(3, r.httpStatus);
      if (r.productName === null) statement.bindNull(4);
      else statement.bindVarchar(4, r.productName);
      statement.bindBoolean(5, r.done);
      updated += (await statement.run()).rowsChanged;
    }
    return updated;
  });
}
