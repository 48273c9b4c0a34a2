/**
 * The project's one token bucket: `ratePerSecond` tokens a second, at most `burst` saved up.
 * Takers reserve their tokens in arrival order (the balance may go negative) and wait until they
 * are earned, so in any window of w seconds at most `burst + rate × w` pass, and a large take
 * (a producer's batch) runs into debt and waits once, never once per message. It paces the
 * crawler's requests to one host and the event generator's `--rate`.
 */

import { abortableSleep } from "./abortable_sleep.ts";

/** Clock and timer of a bucket (injected in tests). */
export interface BucketClock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms` milliseconds; rejects when `signal` aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: BucketClock = { now: () => performance.now(), sleep: abortableSleep };

/** Paces takers to `ratePerSecond` with bursts of up to `burst` tokens. */
export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  readonly #clock: BucketClock;
  #tokens: number;
  #updatedAt: number;

  /** A full bucket; `RangeError` for a rate or burst that cannot pace. */
  constructor(ratePerSecond: number, burst = 1, clock: BucketClock = REAL_CLOCK) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`Cannot pace at ${ratePerSecond} per second: use a positive number`);
    }
    if (!(burst > 0) || !Number.isFinite(burst)) {
      throw new RangeError(`Cannot allow a burst of ${burst}: use a positive number`);
    }
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /**
   * Resolves when `count` tokens are paid for; the wait is the time the missing tokens need. An
   * abort while waiting forfeits the reserved tokens.
   */
  async take(count = 1, signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#ratePerMs);
    this.#updatedAt = now;
    this.#tokens -= count;
    if (this.#tokens < 0) await this.#clock.sleep(-this.#tokens / this.#ratePerMs, signal);
  }
}
