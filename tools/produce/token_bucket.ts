/**
 * A token bucket that bounds a rate: `take(n)` resolves once n tokens are paid for, refilling at
 * `ratePerSecond` up to `burst`. A large take runs into debt and waits once, so a batch costs
 * one timer, never one per message.
 */

/** Time source of the bucket; tests pass a fake one. */
export interface Clock {
  /** Milliseconds on a monotonic clock. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  wait(ms: number): Promise<void>;
}

/** The process clock: `performance.now()` and a timer. */
export const realClock: Clock = {
  now: () => performance.now(),
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Limits takes to `ratePerSecond` on average with bursts up to `burst` tokens. */
export class TokenBucket {
  readonly #rate: number;
  readonly #burst: number;
  readonly #clock: Clock;
  #tokens: number;
  #at: number;

  /** A full bucket; `ratePerSecond` and `burst` must be positive. */
  constructor(ratePerSecond: number, burst: number, clock: Clock = realClock) {
    if (!(ratePerSecond > 0)) throw new RangeError(`Rate must be positive, got ${ratePerSecond}`);
    if (!(burst > 0)) throw new RangeError(`Burst must be positive, got ${burst}`);
    this.#rate = ratePerSecond;
    this.#burst = burst;
    this.#clock = clock;
    this.#tokens = burst;
    this.#at = clock.now();
  }

  /** Resolves when `count` tokens are taken; the wait is the time the missing tokens need. */
  async take(count: number): Promise<void> {
    const now = this.#clock.now();
    this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#at) * this.#rate) / 1000);
    this.#at = now;
    this.#tokens -= count;
    if (this.#tokens < 0) await this.#clock.wait((-this.#tokens / this.#rate) * 1000);
  }
}
