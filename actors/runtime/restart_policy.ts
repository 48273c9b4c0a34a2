/**
 * When to restart a failed actor, and when to give up: exponential backoff with jitter between
 * restarts, and restart intensity (at most `maxRestarts` in `withinMs`) past which the failure
 * escalates to the parent, as Erlang/OTP supervisors do.
 */
import { backoffMs } from "./backoff.ts";

/** Restart settings of one child, as data. */
export interface RestartPolicy {
  /** First backoff delay (default 50 ms). */
  readonly initialDelayMs: number;
  /** Backoff ceiling (default 5 s). */
  readonly maxDelayMs: number;
  /** Random extra up to this fraction of the delay (default 0.2), so restarts do not align. */
  readonly jitter: number;
  /** Most restarts allowed in `withinMs` before escalating (default 10 in 10 s). */
  readonly maxRestarts: number;
  readonly withinMs: number;
}

/** Defaults: quick first retry, capped growth, strict enough that a crash loop escalates. */
export const DEFAULT_RESTART_POLICY: RestartPolicy = {
  initialDelayMs: 50,
  maxDelayMs: 5_000,
  jitter: 0.2,
  maxRestarts: 10,
  withinMs: 10_000,
};

/** Delay before restart number `consecutive` (1 for the first failure in a row), in whole ms. */
export function restartDelayMs(
  policy: RestartPolicy,
  consecutive: number,
  random: () => number = Math.random,
): number {
  return Math.round(
    backoffMs(policy, consecutive, { kind: "added", fraction: policy.jitter }, random),
  );
}

/** Restart history of one child: answers whether one more restart stays within the intensity. */
export class RestartIntensity {
  readonly #policy: RestartPolicy;
  readonly #times: number[] = [];

  constructor(policy: RestartPolicy) {
    this.#policy = policy;
  }

  /** Records a restart at `now`; false when it exceeds the intensity (escalate instead). */
  allow(now: number): boolean {
    const since = now - this.#policy.withinMs;
    while (this.#times.length > 0 && (this.#times[0] ?? now) <= since) this.#times.shift();
    if (this.#times.length >= this.#policy.maxRestarts) return false;
    this.#times.push(now);
    return true;
  }

  /** Forgets the history (after the parent restarted this child). */
  reset(): void {
    this.#times.length = 0;
  }
}
