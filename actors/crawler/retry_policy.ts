/**
 * When a crawl try is worth repeating and how long to wait first: 429, 5xx, timeouts and lost
 * connections are retried with exponential backoff and jitter; a Retry-After header (seconds or
 * an HTTP date) sets the least wait.
 */
import { backoffMs } from "../runtime/backoff.ts";

/** Backoff settings of the retries of one product. */
export interface RetryOptions {
  /** Tries in all, the first included. */
  readonly maxTries: number;
  /** Backoff before the second try; doubles each try. */
  readonly baseDelayMs: number;
  /** Cap of one backoff (Retry-After may ask for more, up to `maxRetryAfterMs`). */
  readonly maxDelayMs: number;
  /** A Retry-After longer than this ends the tries now; the product is deferred instead. */
  readonly maxRetryAfterMs: number;
}

/** Whether an HTTP status is a passing trouble worth another try (429 and 5xx). */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || (status >= 500 && status <= 599);
}

/** Retry-After in ms from `nowMs`: delta-seconds or an HTTP date; undefined when absent or bad. */
export function parseRetryAfter(value: string | null, nowMs: number): number | undefined {
  if (value === null) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  if (Number.isNaN(date) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, date - nowMs);
}

/**
 * The wait before try `nextTry` (2 for the first retry): "equal jitter" backoff, half fixed and
 * half random, so retries of many products spread out; never less than `retryAfterMs`.
 */
export function retryWaitMs(
  nextTry: number,
  options: RetryOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const backoff = { initialDelayMs: options.baseDelayMs, maxDelayMs: options.maxDelayMs };
  const jittered = backoffMs(backoff, nextTry - 1, { kind: "equal" }, random);
  return Math.max(jittered, retryAfterMs ?? 0);
}
