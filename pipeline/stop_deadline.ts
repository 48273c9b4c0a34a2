/**
 * One deadline for a whole shutdown: each step waits at most what is left of it, so a step that
 * never finishes (a writer stuck on a disk, a drain that cannot end) costs the rest of the
 * deadline, never more. What misses it is simply not committed, and is read again at the next
 * start.
 */

/** A shutdown step that did not finish before the deadline. */
export class StopDeadlineError extends Error {
  override name = "StopDeadlineError";
}

/**
 * The share of a shutdown's deadline kept for the actors' own stop (their stop hooks), so that a
 * drain that cannot finish does not leave them none: a quarter of it, at most 5 s.
 */
export function stopHooksReserveMs(deadlineMs: number): number {
  return Math.min(5_000, Math.floor(deadlineMs / 4));
}

/** The time left of one shutdown. */
export class StopDeadline {
  readonly #end: number;

  /** A deadline `ms` from now. */
  constructor(ms: number, private readonly now: () => number = Date.now) {
    this.#end = now() + ms;
  }

  /** Milliseconds left (0 once passed). */
  left(): number {
    return Math.max(0, this.#end - this.now());
  }

  /**
   * A deadline that ends `reserveMs` before this one (at once if less is left): the steps before a
   * final one that must not go without time of its own (the actors' stop hooks: the consumer
   * leaving its group, the writer closing its warehouse).
   */
  before(reserveMs: number): StopDeadline {
    return new StopDeadline(Math.max(0, this.left() - reserveMs), this.now);
  }

  /** Waits for `step`, at most what is left; `StopDeadlineError` naming `what` when it passes. */
  async within<T>(what: string, step: Promise<T>): Promise<T> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const left = this.left();
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new StopDeadlineError(`Stopping: ${what} did not finish within the deadline`)),
        left,
      );
    });
    // A step cut short that fails later has no one left to tell; the deadline said it.
    step.catch(() => undefined);
    try {
      return await Promise.race([step, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
