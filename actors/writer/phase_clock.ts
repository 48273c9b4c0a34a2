/**
 * Laps a batch's wall-clock time on the writer's serial chain into phases (`WRITE_PHASES`), so the
 * bench can say what is serial and what is idle. Every millisecond between two laps goes to
 * exactly one phase, so the phases of a batch sum to its share of the writer's wall time.
 */

import { WRITE_PHASES, type WritePhase } from "../../messages/writer.ts";

/** Laps a batch's wall-clock time into phases (see the module doc). */
export class PhaseClock {
  readonly #ms = new Map<WritePhase, number>();
  #last: number;

  /** Starts timing at `startMs` (`performance.now()` by default). */
  constructor(startMs: number = performance.now()) {
    this.#last = startMs;
  }

  /** Adds the time since the last lap to `phase`, and returns it (ms). */
  lap(phase: WritePhase, now: number = performance.now()): number {
    const elapsed = Math.max(0, now - this.#last);
    this.#last = now;
    this.add(phase, elapsed);
    return elapsed;
  }

  /** Adds `ms` to `phase` without a lap (moving time measured elsewhere). */
  add(phase: WritePhase, ms: number): void {
    this.#ms.set(phase, (this.#ms.get(phase) ?? 0) + ms);
  }

  /** Moves `ms` (at most what `from` holds) from one phase to another. */
  move(from: WritePhase, to: WritePhase, ms: number): void {
    const moved = Math.min(ms, this.#ms.get(from) ?? 0);
    this.add(from, -moved);
    this.add(to, moved);
  }

  /** Milliseconds by phase, in `WRITE_PHASES` order. */
  toArray(): number[] {
    return WRITE_PHASES.map((phase) => this.#ms.get(phase) ?? 0);
  }
}
