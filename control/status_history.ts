/**
 * A bounded ring of the pipeline's event counters sampled over time, so the status page can
 * draw events per second by stage over the last minutes from its first load.
 */

/** The counters at one moment. */
export interface StatusSample {
  /** Epoch ms. */
  readonly t: number;
  readonly consumed: number;
  readonly staged: number;
  readonly deadLettered: number;
  readonly replayed: number;
}

/** The last `capacity` samples, oldest first. */
export class StatusHistory {
  readonly #samples: StatusSample[] = [];

  constructor(private readonly capacity = 120) {
    if (!Number.isSafeInteger(capacity) || capacity < 2) {
      throw new RangeError(`A status history keeps at least 2 samples, got ${capacity}`);
    }
  }

  /** Records a sample, dropping the oldest past capacity. */
  add(sample: StatusSample): void {
    this.#samples.push(sample);
    if (this.#samples.length > this.capacity) this.#samples.shift();
  }

  /** The samples, oldest first (a copy). */
  samples(): StatusSample[] {
    return [...this.#samples];
  }
}
