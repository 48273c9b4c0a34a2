/**
 * Bounded retry with exponential backoff for warehouse operations. Each attempt must be atomic
 * (a rolled-back transaction), so retrying is safe; past the budget the last error surfaces as
 * `WarehouseUnavailableError`. `TypeError` and `RangeError` (bugs, bad arguments) are not retried.
 */

import { getLogger } from "../../observability/log.ts";
import { backoffMs } from "../runtime/backoff.ts";
import { WarehouseUnavailableError } from "./warehouse.ts";

/** How often and how patiently to retry. */
export interface RetryPolicy {
  /** Attempts in all, the first included (default 5). */
  readonly attempts: number;
  /** Delay before the second attempt; doubles each time (default 200). */
  readonly initialDelayMs: number;
  /** Cap of one delay (default 5000). */
  readonly maxDelayMs: number;
}

/** Default policy: 5 attempts over about 3 seconds. */
export const DEFAULT_RETRY: RetryPolicy = Object.freeze({
  attempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 5_000,
});

const log = getLogger("writer");

/** Runs `attempt(n)` (n from 1) until it resolves, retrying failures per `policy`. */
export async function withRetry<T>(
  operation: string,
  policy: RetryPolicy,
  attempt: (n: number) => Promise<T>,
): Promise<T> {
  for (let n = 1;; n++) {
    try {
      return await attempt(n);
    } catch (error: unknown) {
      if (error instanceof TypeError || error instanceof RangeError) throw error;
      if (n >= policy.attempts) throw new WarehouseUnavailableError(operation, n, error);
      const delayMs = backoffMs(policy, n);
      log.warn("WriterAttemptFailed", { operation, attempt: n, retryInMs: delayMs, error });
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
