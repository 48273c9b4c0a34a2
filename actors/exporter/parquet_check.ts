/**
 * Reads written Parquet files back: their row count (through an in-memory DuckDB, which reads
 * every file's footer) and a SHA-256 over their bytes, so an export is verified from what landed.
 */
import { createHash } from "node:crypto";
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../writer/sql_string.ts";

/** Total rows in the Parquet files at `paths` (0 for none). */
export async function parquetRowCount(paths: readonly string[]): Promise<number> {
  if (paths.length === 0) return 0;
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  try {
    const connection = await instance.connect();
    try {
      const list = `[${paths.map(sqlString).join(", ")}]`;
      const reader = await connection.runAndReadAll(
        `SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata(${list})`,
      );
      return Number(reader.getRowsJS()[0]?.[0] ?? 0);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

/** SHA-256 hex over the files' bytes in the given order, and their total size. */
export async function checksumFiles(
  paths: readonly string[],
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for (const path of paths) {
    const data = await Deno.readFile(path);
    bytes += data.byteLength;
    hash.update(data);
  }
  return { sha256: hash.digest("hex"), bytes };
}
