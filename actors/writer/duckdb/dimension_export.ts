/**
 * The dimension snapshots each export publishes beside Bronze: the `user_agent` and `products`
 * views as they answer now, one ZSTD Parquet file each (`user_agent.parquet`, `products.parquet`
 * in the given folder, replaced), written with DuckDB's COPY.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { emptyFolder } from "../../../files/file_tree.ts";
import { sqlString } from "../sql_string.ts";

/** Writes both snapshots into the folder `dir` (emptied first). */
export async function exportDimensions(connection: DuckDBConnection, dir: string): Promise<void> {
  await emptyFolder(dir);
  for (const [view, key] of [["user_agent", "user_agent_id"], ["products", "product_id"]]) {
    await connection.run(
      `COPY (SELECT * FROM ${view} ORDER BY ${key}) TO ${sqlString(`${dir}/${view}.parquet`)}
       (FORMAT PARQUET, COMPRESSION ZSTD)`,
    );
  }
}
