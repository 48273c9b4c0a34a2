/**
 * A token bucket that paces requests to one host: `ratePerSecond` tokens a second, at most
 * `burst` saved up. Takers reserve a token in arrival order (the balance may go negative) and
 * wait until it is earned, so in any window of w seconds at most `burst + rate × w` pass.
 */

import { abortableSleep } from "./abortable_sleep.ts";

/** Clock and timer of a bucket (injected in tests). */
export interface BucketClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const REAL_CLOCK: BucketClock = { now: () => performance.now(), sleep: abortableSleep };

/** Paces takers to `ratePerSecond` with bursts of up to `burst`. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: BucketClock;
  #tokens: number;
  #updatedAt: number;

  constructor(ratePerSecond: number, burst = 1, clock: BucketClock = REAL_CLOCK) {
    if (!(ratePerSecond > 0) || !Number.isFinite(ratePerSecond)) {
      throw new RangeError(`Cannot pace at ${ratePerSecond} requests/s: use a positive number`);
    }
    if (!(burst >= 1)) throw new RangeError(`Cannot allow a burst of ${burst}: use 1 or more`);
    this.#rate = ratePerSecond / 1000;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#updatedAt = clock.now();
  }

  /** Resolves when the caller may send; an abort while waiting forfeits the reserved token. */
  async take(signal?: AbortSignal): Promise<void> {
    signal?.throwIfAborted();
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#updatedAt) * this.#rate);
    this.#updatedAt = now;
    this.#tokens -= 1;
    if (this.#tokens < 0) await this.#clock.sleep(-this.#tokens / this.#rate, signal);
  }
}
