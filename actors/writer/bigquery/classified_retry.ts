/**
 * Retries warehouse operations per error class and keeps an explicit health state: transient
 * failures back off per the retry policy, quota failures per a slower one, permission and schema
 * failures stop at once. Past the budget the operation rejects with `WarehouseUnavailableError`
 * and the warehouse reports itself unhealthy until an operation succeeds again.
 */

import { getLogger } from "../../../observability/log.ts";
import { backoffMs } from "../../runtime/backoff.ts";
import type { RetryPolicy } from "../retry.ts";
import { WarehouseUnavailableError } from "../warehouse.ts";
import { classifyError, type ErrorClass, isRetryable } from "./error_class.ts";

/** Retry policies per retryable class. */
export interface ClassPolicies {
  readonly transient: RetryPolicy;
  readonly quota: RetryPolicy;
}

/** Default quota policy: 6 attempts, from 2 s up to 60 s apart (rate limits recover slowly). */
export const DEFAULT_QUOTA_RETRY: RetryPolicy = Object.freeze({
  attempts: 6,
  initialDelayMs: 2_000,
  maxDelayMs: 60_000,
});

/** The warehouse's health as the status page and supervisor see it. */
export type WarehouseHealth =
  | { readonly state: "healthy" }
  | {
    readonly state: "degraded" | "unhealthy";
    readonly errorClass: ErrorClass;
    readonly operation: string;
    readonly message: string;
    readonly sinceMs: number;
  };

const log = getLogger("writer");

/** Runs operations with per-class retries and tracks health. */
export class ClassifiedRetry {
  #health: WarehouseHealth = { state: "healthy" };

  /** `policies` per class. */
  constructor(private readonly policies: ClassPolicies) {}

  /** Current health. */
  get health(): WarehouseHealth {
    return this.#health;
  }

  #mark(state: "degraded" | "unhealthy", cls: ErrorClass, operation: string, error: unknown) {
    const sinceMs = this.#health.state === "healthy" ? Date.now() : this.#health.sinceMs;
    const message = error instanceof Error ? error.message : String(error);
    if (state === "unhealthy" && this.#health.state !== "unhealthy") {
      log.error("WriterWarehouseUnhealthy", { operation, errorClass: cls, error });
    }
    this.#health = { state, errorClass: cls, operation, message, sinceMs };
  }

  /** Runs `attempt(n)` (n from 1) until it resolves or its class's budget is spent. */
  async run<T>(operation: string, attempt: (n: number) => Promise<T>): Promise<T> {
    const retries: Partial<Record<ErrorClass, number>> = {};
    for (let n = 1;; n++) {
      try {
        const value = await attempt(n);
        if (this.#health.state !== "healthy") {
          log.info("WriterWarehouseRecovered", { operation, attempts: n });
          this.#health = { state: "healthy" };
        }
        return value;
      } catch (error: unknown) {
        if (error instanceof TypeError || error instanceof RangeError) throw error;
        const cls = classifyError(error);
        const policy = cls === "quota"
          ? this.policies.quota
          : isRetryable(cls)
          ? this.policies.transient
          : undefined;
        if (policy === undefined || n >= policy.attempts) {
          this.#mark("unhealthy", cls, operation, error);
          throw new WarehouseUnavailableError(operation, n, error);
        }
        retries[cls] = (retries[cls] ?? 0) + 1;
        const delayMs = backoffMs(policy, retries[cls]);
        this.#mark("degraded", cls, operation, error);
        log.warn("WriterAttemptFailed", {
          operation,
          attempt: n,
          errorClass: cls,
          retryInMs: delayMs,
          error,
        });
        await new Promise((resolve) => setTimeout(resolve, delayMs));
      }
    }
  }
}
