/**
 * The politeness gate every request passes: per host a concurrency cap, a token bucket and a
 * circuit breaker, and one global concurrency cap. Host state lives as long as the gate; its
 * size is bounded by the allow-list.
 */

import { CircuitBreaker } from "./circuit_breaker.ts";
import { Semaphore } from "./semaphore.ts";
import { TokenBucket } from "./token_bucket.ts";

/** Limits of the gate. */
export interface GateLimits {
  /** Requests in flight over all hosts. */
  readonly concurrency: number;
  /** Requests in flight to one host. */
  readonly hostConcurrency: number;
  /** Requests started per second to one host. */
  readonly ratePerHost: number;
  /** Requests a host may receive back to back after an idle spell (1: strictly paced). */
  readonly burst: number;
  /** Consecutive failures that open a host's circuit. */
  readonly breakerThreshold: number;
  /** How long an open circuit refuses requests before a trial. */
  readonly breakerCooldownMs: number;
}

/** How a passed request ended, for the host's circuit breaker. */
export type RequestVerdict = "answered" | "failed" | "abandoned";

/** Permission to send one request; `end` must be called exactly once. */
export interface GatePass {
  end(verdict: RequestVerdict): void;
}

/** The host's circuit is open: no request until `retryAtMs` (epoch ms). */
export interface CircuitOpen {
  readonly circuitOpen: true;
  readonly retryAtMs: number;
}

interface HostState {
  readonly slots: Semaphore;
  readonly bucket: TokenBucket;
  readonly breaker: CircuitBreaker;
}

/** Admits requests per the limits; `now` is epoch ms (the breaker's clock). */
export class HostGate {
  readonly #limits: GateLimits;
  readonly #global: Semaphore;
  readonly #hosts = new Map<string, HostState>();
  readonly #now: () => number;

  constructor(limits: GateLimits, now: () => number = Date.now) {
    this.#limits = limits;
    this.#global = new Semaphore(limits.concurrency);
    this.#now = now;
  }

  /** Whether the host's circuit refuses requests now. */
  isOpen(host: string): CircuitOpen | undefined {
    const breaker = this.#host(host).breaker;
    return breaker.state(this.#now()) === "open"
      ? { circuitOpen: true, retryAtMs: breaker.retryAtMs }
      : undefined;
  }

  /**
   * Waits for a host slot, a token and a global slot, in that order (a request waiting on a busy
   * host holds no global slot). `judged: false` requests (robots.txt) bypass the breaker.
   */
  async enter(host: string, signal: AbortSignal, judged = true): Promise<GatePass | CircuitOpen> {
    const state = this.#host(host);
    const refused = judged ? this.isOpen(host) : undefined;
    if (refused) return refused;
    await state.slots.acquire(signal);
    try {
      await state.bucket.take(1, signal);
      await this.#global.acquire(signal);
    } catch (error) {
      state.slots.release(); // aborted while waiting: give the host slot back, then rethrow
      throw error;
    }
    if (judged && !state.breaker.tryPass(this.#now())) {
      this.#global.release();
      state.slots.release();
      return { circuitOpen: true, retryAtMs: state.breaker.retryAtMs };
    }
    let ended = false;
    return {
      end: (verdict) => {
        if (ended) throw new Error(`Cannot end a request to ${host} twice`);
        ended = true;
        this.#global.release();
        state.slots.release();
        if (!judged) return;
        if (verdict === "answered") state.breaker.succeeded();
        else if (verdict === "failed") state.breaker.failed(this.#now());
        else state.breaker.abandoned();
      },
    };
  }

  #host(host: string): HostState {
    let state = this.#hosts.get(host);
    if (state === undefined) {
      const l = this.#limits;
      state = {
        slots: new Semaphore(l.hostConcurrency),
        bucket: new TokenBucket(l.ratePerHost, l.burst),
        breaker: new CircuitBreaker(l.breakerThreshold, l.breakerCooldownMs),
      };
      this.#hosts.set(host, state);
    }
    return state;
  }
}
