/**
 * Dimension keys (user agents, products) known to be stored, so a batch offers only the new ones:
 * a bounded set, cleared when full (a cold cache costs one lookup or one ignored insert, never a
 * duplicate). Both warehouses keep one per dimension and add keys only once they are committed.
 */

/** Keys known to be committed. */
export class KnownKeys {
  readonly #keys = new Set<string>();
  readonly #capacity: number;

  /** Keeps at most `capacity` keys (default 200,000). */
  constructor(capacity = 200_000) {
    this.#capacity = capacity;
  }

  /** Whether `key` is known stored. */
  has(key: string): boolean {
    return this.#keys.has(key);
  }

  /** Records committed keys. */
  addAll(keys: Iterable<string>): void {
    for (const key of keys) {
      if (this.#keys.size >= this.#capacity) this.#keys.clear();
      this.#keys.add(key);
    }
  }
}
