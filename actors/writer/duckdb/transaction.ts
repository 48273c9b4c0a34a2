/**
 * One DuckDB transaction around a unit of work: BEGIN, the work, COMMIT; on any failure ROLLBACK
 * and rethrow, so nothing partial is ever visible. Retrying is the caller's (`withRetry`) job.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { getLogger } from "../../../observability/log.ts";

const log = getLogger("writer");

/**
 * Runs `work` inside one transaction on `connection` and commits it (durable on return).
 * `whileCommitting` runs on this thread once the COMMIT is under way on DuckDB's (other work that
 * fills the wait); it must not throw.
 */
export async function inTransaction<T>(
  connection: DuckDBConnection,
  work: () => Promise<T>,
  whileCommitting?: () => void,
): Promise<T> {
  await connection.run("BEGIN TRANSACTION");
  let result: T;
  try {
    result = await work();
    const commit = connection.run("COMMIT");
    whileCommitting?.();
    await commit;
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
