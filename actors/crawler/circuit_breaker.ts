/**
 * A per-host circuit breaker: after `threshold` consecutive failures the host is left alone for
 * `cooldownMs`; then one trial request is let through (half-open), whose success closes the
 * circuit and whose failure opens it again for another cool-down.
 */

/** Where a breaker stands. */
export type BreakerState = "closed" | "open" | "half-open";

/** Trips after consecutive failures; times are milliseconds on the caller's clock. */
export class CircuitBreaker {
  readonly #threshold: number;
  readonly #cooldownMs: number;
  #failures = 0;
  #openUntil = 0;
  #state: BreakerState = "closed";
  #trialInFlight = false;

  constructor(threshold: number, cooldownMs: number) {
    if (!Number.isSafeInteger(threshold) || threshold < 1) {
      throw new RangeError(`Cannot trip after ${threshold} failures: use 1 or more`);
    }
    this.#threshold = threshold;
    this.#cooldownMs = cooldownMs;
  }

  /** The state at `nowMs` (open turns half-open once the cool-down is over). */
  state(nowMs: number): BreakerState {
    if (this.#state === "open" && nowMs >= this.#openUntil) this.#state = "half-open";
    return this.#state;
  }

  /** When a refused caller may try again. */
  get retryAtMs(): number {
    return this.#openUntil;
  }

  /** Whether a request may go now; in half-open state only one trial at a time. */
  tryPass(nowMs: number): boolean {
    const state = this.state(nowMs);
    if (state === "closed") return true;
    if (state === "open" || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  /** A request succeeded (any answer that is not a host failure): closes the circuit. */
  succeeded(): void {
    this.#failures = 0;
    this.#trialInFlight = false;
    this.#state = "closed";
  }

  /** A request failed (429, 5xx, timeout, no connection); may open the circuit. */
  failed(nowMs: number): void {
    this.#failures++;
    const trialFailed = this.#trialInFlight;
    this.#trialInFlight = false;
    if (trialFailed || this.#failures >= this.#threshold) {
      this.#state = "open";
      this.#openUntil = nowMs + this.#cooldownMs;
    }
  }

  /** A passed request ended without an answer to judge (aborted): frees the trial slot. */
  abandoned(): void {
    this.#trialInFlight = false;
  }
}
