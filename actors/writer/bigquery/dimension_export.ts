/**
 * The dimension snapshots each export publishes beside Bronze, from BigQuery: the `user_agent`
 * and `products` views read out and written as ZSTD Parquet with an in-memory DuckDB (the local
 * lake's writer), `user_agent.parquet` and `products.parquet` in the given folder (replaced).
 */

import type { BigQuery } from "@google-cloud/bigquery";
import { DuckDBInstance } from "@duckdb/node-api";
import { emptyFolder } from "../../../files/file_tree.ts";
import { sqlString } from "../sql_string.ts";
import { USER_AGENT_COLUMNS } from "../table_columns.ts";
import { query } from "./client.ts";
import { tableRef } from "./visible_rows.ts";

const FLAGS = new Set(["is_mobile", "is_tablet", "is_touch_capable", "is_pc", "is_bot"]);

/** Each snapshot: its view, the columns selected from it and their DuckDB types. */
const SNAPSHOTS: { view: string; columns: [string, string, string][] }[] = [
  {
    view: "user_agent",
    columns: USER_AGENT_COLUMNS.map((c): [string, string, string] => {
      const name = c === "user_agent" ? "user_agent_raw" : c;
      return [name, name, FLAGS.has(c) ? "BOOLEAN" : "VARCHAR"];
    }),
  },
  {
    view: "products",
    columns: [
      ["product_id", "product_id", "VARCHAR"],
      ["current_url", "current_url", "VARCHAR"],
      ["is_crawl", "is_crawl", "BOOLEAN"],
      ["product_name", "product_name", "VARCHAR"],
      ["UNIX_MILLIS(first_seen) AS first_seen", "first_seen", "BIGINT"],
      ["attempts", "attempts", "BIGINT"],
    ],
  },
];

/** Writes both snapshots of `dataset` into the folder `dir` (emptied first). */
export async function exportDimensions(
  client: BigQuery,
  dataset: string,
  dir: string,
): Promise<void> {
  await emptyFolder(dir);
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    for (const { view, columns } of SNAPSHOTS) {
      const rows = await query(
        client,
        `SELECT ${columns.map(([sql]) => sql).join(", ")} FROM ${tableRef(dataset, view)}`,
      );
      const file = `${dir}/${view}.ndjson`;
      await Deno.writeTextFile(file, rows.map((r) => JSON.stringify(r)).join("\n") + "\n");
      const spec = columns.map(([, name, type]) => `'${name}': '${type}'`).join(", ");
      const select = columns.map(([, name]) =>
        name === "first_seen" ? "epoch_ms(first_seen) AS first_seen" : name
      ).join(", ");
      await connection.run(
        `COPY (SELECT ${select} FROM read_json(${sqlString(file)}, format = 'newline_delimited',
           columns = {${spec}}) ORDER BY 1)
         TO ${sqlString(`${dir}/${view}.parquet`)} (FORMAT PARQUET, COMPRESSION ZSTD)`,
      );
      await Deno.remove(file);
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
