/**
 * The field problems of one event, capped: a hostile message can produce a problem per array
 * element (a 1.7 MB message once made 30 million characters of them). The first problems are
 * kept up to `MAX_PROBLEMS` texts and `MAX_PROBLEM_CHARS` characters; one last problem then says
 * how many were left out, so the row still tells what was wrong and that it was cut.
 */
import type { Problems } from "./field_coercion.ts";

/** Problems kept per event. */
export const MAX_PROBLEMS = 50;
/** Characters of problem text kept per event. */
export const MAX_PROBLEM_CHARS = 8_192;

/** A `Problems` sink that keeps the first problems within the caps and counts the rest. */
export class ProblemList implements Problems {
  readonly #kept: string[] = [];
  #chars = 0;
  #left = 0;

  push(problem: string): void {
    if (this.#left === 0 && this.#kept.length < MAX_PROBLEMS) {
      if (this.#chars + problem.length <= MAX_PROBLEM_CHARS) {
        this.#kept.push(problem);
        this.#chars += problem.length;
        return;
      }
    }
    this.#left++;
  }

  /** Problems recorded or left out. */
  get length(): number {
    return this.#kept.length + this.#left;
  }

  /** The kept problems, and one saying how many more there were when any were left out. */
  list(): string[] {
    if (this.#left === 0) return [...this.#kept];
    return [
      ...this.#kept,
      `field_problems: ${this.#left} more problems left out (at most ${MAX_PROBLEMS} problems ` +
      `or ${MAX_PROBLEM_CHARS} characters are kept per event)`,
    ];
  }
}
