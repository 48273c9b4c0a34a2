/**
 * The project's one backoff formula: a delay that doubles from `initialDelayMs` with each retry up
 * to `maxDelayMs`, optionally jittered so that many retries do not align. Actor restarts, warehouse
 * retries, offset commit retries, crawler tries and the crawl schedule all take their waits here;
 * each names its own numbers.
 */

/** The numbers of one capped exponential backoff. */
export interface Backoff {
  /** Delay before the first retry. */
  readonly initialDelayMs: number;
  /** Cap of one delay. */
  readonly maxDelayMs: number;
}

/**
 * How random a delay is: `none`; `added`: up to `fraction` of the delay more (restarts);
 * `equal`: half fixed and half random (crawler tries, "equal jitter").
 */
export type Jitter =
  | { readonly kind: "none" }
  | { readonly kind: "added"; readonly fraction: number }
  | { readonly kind: "equal" };

/** No jitter. */
export const NO_JITTER: Jitter = Object.freeze({ kind: "none" });

/**
 * The delay before retry number `retry` (1 for the first retry after a failure):
 * `min(maxDelayMs, initialDelayMs × 2^(retry − 1))`, then jittered with `random` in [0, 1).
 */
export function backoffMs(
  backoff: Backoff,
  retry: number,
  jitter: Jitter = NO_JITTER,
  random: () => number = Math.random,
): number {
  const base = Math.min(backoff.maxDelayMs, backoff.initialDelayMs * 2 ** Math.max(0, retry - 1));
  switch (jitter.kind) {
    case "none":
      return base;
    case "added":
      return base * (1 + jitter.fraction * random());
    case "equal":
      return base / 2 + random() * (base / 2);
    default:
      return jitter satisfies never;
  }
}
