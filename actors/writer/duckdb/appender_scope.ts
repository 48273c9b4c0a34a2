/**
 * One DuckDB appender used and closed in one place: closing flushes, so a fill that throws first
 * clears the appender's buffer, and a half-filled batch never reaches the table.
 */
import type { DuckDBAppender, DuckDBConnection } from "@duckdb/node-api";

/** Where a temporary table lives: DuckDB's `temp` catalog. */
export const TEMP_TABLE = { schema: "main", catalog: "temp" } as const;

/**
 * Appends to `table` (in `where`, default the database's own) through a fresh appender and closes
 * (flushes) it; discards its buffer when `fill` throws.
 */
export async function withAppender(
  connection: DuckDBConnection,
  table: string,
  fill: (appender: DuckDBAppender) => void,
  where?: { readonly schema: string; readonly catalog: string },
): Promise<void> {
  const appender = await connection.createAppender(table, where?.schema, where?.catalog);
  try {
    fill(appender);
  } catch (error: unknown) {
    // Closing flushes, so clear first: a half-filled batch must never reach the table.
    appender.clear();
    appender.closeSync();
    throw error;
  }
  appender.closeSync();
}
