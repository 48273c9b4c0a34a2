/**
 * The on-demand mode of an actor pool (`PoolSpec.onDemand`): for an actor off the data path that
 * is asked now and then (the exporter, the geoip actor), its Workers start when a request comes
 * and end once they have been idle for `idleMs`, instead of holding a V8 isolate and its module
 * graph for the life of the process. Everything else is the pool's as always: a crash while a
 * request is held restarts the Worker after the backoff and delivers the request again (its
 * failure policy counts the crashes), and restarts past the intensity escalate. A member with no
 * Worker and nothing to do is `idle`, which is not down: it takes the next request.
 */
import type { Member } from "./pool_spec.ts";

/** How an on-demand pool's Workers live. */
export interface OnDemand {
  /**
   * How long a member that holds nothing, with nothing waiting, keeps its Worker before it is
   * stopped (its stop hook runs), ms. 0: right after its last answer, once the requests queued in
   * the same turn were delivered (an export chained after another keeps the Worker).
   */
  readonly idleMs: number;
}

/** What the on-demand mode needs of its pool. */
export interface OnDemandPool {
  /** Requests waiting for a member. */
  pending(): number;
  /** Messages each member may hold. */
  readonly capacity: number;
  /** Starts a Worker for `m` (its state becomes `starting`). */
  spawn(m: Member): void;
  /** Whether the pool's stop has begun (from then on no Worker is started or ended here). */
  stopping(): boolean;
}

/** Starts members' Workers for requests and ends them once idle (see the module doc). */
export class OnDemandMembers {
  readonly #spec: OnDemand;
  readonly #members: readonly Member[];
  readonly #pool: OnDemandPool;
  readonly #timers = new Map<Member, ReturnType<typeof setTimeout>>();

  constructor(spec: OnDemand, members: readonly Member[], pool: OnDemandPool) {
    if (!(spec.idleMs >= 0)) {
      throw new RangeError(`An on-demand pool's idleMs must be 0 or more, got ${spec.idleMs}`);
    }
    this.#spec = spec;
    this.#members = members;
    this.#pool = pool;
  }

  /** The pool starts (or was restarted): no Worker, every member waits for a request. */
  start(): void {
    this.stop();
    for (const m of this.#members) {
      m.state = "idle";
      m.stopped = undefined;
    }
  }

  /**
   * Starts idle members for the requests that no member with a Worker (running, starting,
   * restarting, or ending and then started again) will take. Called when a request is queued and
   * when a member became idle.
   */
  wake(): void {
    if (this.#pool.stopping()) return;
    let waiting = this.#pool.pending();
    for (const m of this.#members) {
      if (m.state === "running") waiting -= this.#pool.capacity - m.inFlight.size;
      else if (m.state === "starting" || m.state === "restarting") waiting -= this.#pool.capacity;
    }
    for (const m of this.#members) {
      if (waiting <= 0) return;
      if (m.state !== "idle") continue;
      this.#pool.spawn(m);
      waiting -= this.#pool.capacity;
    }
  }

  /** `m` was given a message: it is not idle. */
  busy(m: Member): void {
    clearTimeout(this.#timers.get(m));
    this.#timers.delete(m);
  }

  /** `m` finished a message: once it holds nothing and nothing waits, it ends after `idleMs`. */
  settled(m: Member): void {
    if (m.inFlight.size > 0 || this.#pool.pending() > 0 || this.#timers.has(m)) return;
    if (this.#pool.stopping()) return; // the pool's stop ends it
    this.#timers.set(
      m,
      setTimeout(() => {
        this.#timers.delete(m);
        this.#end(m);
      }, this.#spec.idleMs),
    );
  }

  /**
   * Whether a crashed member is started again: only when requests wait (its own, delivered again,
   * among them); otherwise it is left idle until the next one.
   */
  restartAfterCrash(m: Member): boolean {
    this.busy(m);
    if (this.#pool.pending() > 0) return true;
    m.state = "idle";
    m.stopped?.resolve(); // it was ending anyway
    m.stopped = undefined;
    return false;
  }

  /** Clears the idle timers (the pool stops or restarts: its own stop ends the Workers). */
  stop(): void {
    for (const timer of this.#timers.values()) clearTimeout(timer);
    this.#timers.clear();
  }

  /** Ends `m`'s Worker if it is still idle: its stop hook runs, then it is terminated. */
  #end(m: Member): void {
    const handle = m.handle;
    const idle = m.state === "running" && m.inFlight.size === 0 && this.#pool.pending() === 0;
    if (handle === undefined || !idle || this.#pool.stopping()) return;
    m.state = "stopping";
    m.stopped = Promise.withResolvers();
    m.stopped.promise.then(() => {
      // A crash meanwhile, or the pool's stop, took the member over.
      if (m.handle !== handle || m.state !== "stopping") return;
      handle.terminate();
      m.handle = undefined;
      m.stopped = undefined;
      m.state = "idle";
      this.wake(); // a request that came while it ended
    });
    handle.stop();
  }
}
