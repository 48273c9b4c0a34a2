/**
 * A bounded mailbox's admission: at most `capacity` messages accepted and not yet finished.
 * A sender past the capacity waits (never drops, never queues without limit); listeners learn
 * when the mailbox turns full and when it has room again, so an upstream can pause.
 */

/** The mailbox is closed to new messages (the actor is stopping). */
export class MailboxClosedError extends Error {
  constructor(actor: string) {
    super(`Actor "${actor}" is stopping and accepts no more messages; send before stop()`);
    this.name = "MailboxClosedError";
  }
}

/** Admission control for one actor (all members of a pool together). */
export class CreditGate {
  readonly #actor: string;
  readonly #capacity: number;
  #used = 0;
  #closed = false;
  #full = false;
  readonly #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];
  readonly #listeners = new Set<(full: boolean) => void>();
  readonly #idle: (() => void)[] = [];

  constructor(actor: string, capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new RangeError(
        `Mailbox capacity of "${actor}" must be a positive integer: ${capacity}`,
      );
    }
    this.#actor = actor;
    this.#capacity = capacity;
  }

  /** Messages accepted and not finished. */
  get used(): number {
    return this.#used;
  }

  get capacity(): number {
    return this.#capacity;
  }

  /** True while a new message would have to wait. */
  get full(): boolean {
    return this.#used >= this.#capacity;
  }

  /**
   * Takes one credit, waiting while the mailbox is full. With `signal`, a wait gives up when it
   * aborts: rejects with its reason and takes no credit.
   */
  async acquire(signal?: AbortSignal): Promise<void> {
    while (true) {
      signal?.throwIfAborted();
      if (this.#closed) throw new MailboxClosedError(this.#actor);
      if (this.#used < this.#capacity) break;
      await this.#wait(signal);
    }
    this.#used++;
    this.#notify();
  }

  /** Takes one credit if one is free. */
  tryAcquire(): boolean {
    if (this.#closed) throw new MailboxClosedError(this.#actor);
    if (this.#used >= this.#capacity) return false;
    this.#used++;
    this.#notify();
    return true;
  }

  /** Returns one credit (a message finished or was dead-lettered). */
  release(): void {
    if (this.#used === 0) {
      throw new RangeError(`Actor "${this.#actor}" released a credit it did not take`);
    }
    this.#used--;
    for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    if (this.#used === 0) { for (const wake of this.#idle.splice(0)) wake(); }
    this.#notify();
  }

  /** Resolves when every accepted message has finished. */
  idle(): Promise<void> {
    if (this.#used === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Refuses new messages from now on; waiting senders get `MailboxClosedError`. */
  close(): void {
    this.#closed = true;
    for (const waiter of this.#waiters.splice(0)) {
      waiter.reject(new MailboxClosedError(this.#actor));
    }
  }

  /** Calls `listener(full)` whenever the mailbox turns full or gets room; returns an unsubscribe. */
  onPressure(listener: (full: boolean) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Waits for a release or a close, or for `signal` to abort (the waiter is then removed). */
  #wait(signal: AbortSignal | undefined): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const aborted = () => {
        const at = this.#waiters.indexOf(waiter);
        if (at >= 0) this.#waiters.splice(at, 1);
        reject(signal?.reason);
      };
      const waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", aborted);
          resolve();
        },
        reject: (error: Error) => {
          signal?.removeEventListener("abort", aborted);
          reject(error);
        },
      };
      this.#waiters.push(waiter);
      signal?.addEventListener("abort", aborted, { once: true });
    });
  }

  #notify(): void {
    const full = this.full;
    if (full === this.#full) return;
    this.#full = full;
    for (const listener of this.#listeners) listener(full);
  }
}
