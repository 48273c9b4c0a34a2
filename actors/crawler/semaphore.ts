/**
 * A counting semaphore with FIFO waiters: the crawler's per-host and global concurrency caps.
 * The waiter queue is bounded by the crawler's page size (one pending task per product).
 */

/** Up to `permits` holders at once; later callers wait in arrival order. */
export class Semaphore {
  #free: number;
  readonly #waiters: { grant: () => void }[] = [];

  constructor(permits: number) {
    if (!Number.isSafeInteger(permits) || permits < 1) {
      throw new RangeError(`Cannot create a semaphore of ${permits} permits: use 1 or more`);
    }
    this.#free = permits;
  }

  /** Holders waiting for a permit. */
  get waiting(): number {
    return this.#waiters.length;
  }

  /** Resolves with a permit; rejects with `signal.reason` (and takes none) when aborted first. */
  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(waiter);
        if (index >= 0) this.#waiters.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.#waiters.push(waiter);
    });
  }

  /** Returns a permit, handing it to the longest waiter if any. */
  release(): void {
    const next = this.#waiters.shift();
    if (next === undefined) this.#free++;
    else next.grant();
  }
}
