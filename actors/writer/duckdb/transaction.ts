/**
 * One DuckDB transaction around a unit of work: BEGIN, the work, COMMIT; on any failure ROLLBACK
 * and rethrow, so nothing partial is ever visible. Retrying is the caller's (`withRetry`) job.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";

const log = getLogger("writer");

/** Runs `work` inside one transaction on `connection` and commits it (durable on return). */
export async function inTransaction<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
): Promise<T> {
  await connection.run("BEGIN TRANSACTION");
  let result: T;
  try {
    result = await work();
    await connection.run("COMMIT");
  } catch (error: unknown) {
    try {
      await connection.run("ROLLBACK");
    } catch (rollbackError: unknown) {
      // A failed COMMIT has already ended the transaction; anything else is worth a line.
      log.warn("WriterRollbackFailed", { error: rollbackError });
    }
    throw error;
  }
  return result;
}
