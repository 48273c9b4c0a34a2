/**
 * Finds which of a fixed set of ASCII literals occur in a string, in one pass per case mode: an
 * Aho-Corasick automaton flattened into a dense table over the literals' alphabet. "Exact"
 * literals are searched in the string as it is, "folded" ones (lower case) in its lower-cased
 * copy. The rule prefilter asks this once per UA instead of running ~1,200 regexes.
 */

/** One automaton under construction, then flattened for searching. */
class Automaton {
  readonly #next: Map<number, number>[] = [new Map()];
  readonly #out: number[][] = [[]];
  /** Column of each ASCII code in the table; 0: no literal uses it. */
  readonly column = new Uint8Array(128);
  width = 1;
  delta = new Int32Array(0);
  outStart = new Int32Array(1);
  outIds = new Int32Array(0);

  insert(literal: string, id: number): void {
    let state = 0;
    for (let i = 0; i < literal.length; i++) {
      const c = literal.charCodeAt(i);
      if (c >= 128) throw new RangeError(`Cannot index ${JSON.stringify(literal)}: not ASCII`);
      if (this.column[c] === 0) this.column[c] = this.width++;
      const transitions = this.#next[state] ?? new Map<number, number>();
      let to = transitions.get(c);
      if (to === undefined) {
        to = this.#next.length;
        this.#next.push(new Map());
        this.#out.push([]);
        transitions.set(c, to);
      }
      state = to;
    }
    this.#out[state]?.push(id);
  }

  /** Resolves failure links into a full transition table (breadth first). */
  flatten(): void {
    const states = this.#next.length;
    const width = this.width;
    const delta = new Int32Array(states * width);
    const fail = new Int32Array(states);
    const queue: number[] = [];
    for (const [c, to] of this.#next[0] ?? []) {
      delta[this.column[c] ?? 0] = to;
      queue.push(to);
    }
    for (let head = 0; head < queue.length; head++) {
      const state = queue[head] ?? 0;
      const f = fail[state] ?? 0;
      this.#out[state]?.push(...(state === 0 ? [] : this.#out[f] ?? []));
      for (let col = 1; col < width; col++) {
        delta[state * width + col] = delta[f * width + col] ?? 0;
      }
      for (const [c, to] of this.#next[state] ?? []) {
        const col = this.column[c] ?? 0;
        fail[to] = delta[f * width + col] ?? 0;
        delta[state * width + col] = to;
        queue.push(to);
      }
    }
    const outStart = new Int32Array(states + 1);
    const ids: number[] = [];
    for (let s = 0; s < states; s++) {
      outStart[s] = ids.length;
      ids.push(...(this.#out[s] ?? []));
    }
    outStart[states] = ids.length;
    this.delta = delta;
    this.outStart = outStart;
    this.outIds = Int32Array.from(ids);
  }

  /**
   * Marks in `seen` (with `stamp`) the ids of the literals occurring in `text`, appending each
   * newly seen id to `hits` from `count` on; returns the new count.
   */
  search(text: string, seen: Uint32Array, stamp: number, hits: Int32Array, count: number): number {
    const { column, delta, width, outStart, outIds } = this;
    let state = 0;
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      const col = c < 128 ? column[c] ?? 0 : 0;
      state = col === 0 ? 0 : delta[state * width + col] ?? 0;
      const end = outStart[state + 1] ?? 0;
      for (let k = outStart[state] ?? 0; k < end; k++) {
        const id = outIds[k] ?? 0;
        if (seen[id] !== stamp) {
          seen[id] = stamp;
          hits[count++] = id;
        }
      }
    }
    return count;
  }
}

/** A set of literals, searched together; ids are shared by both case modes. */
export class LiteralIndex {
  readonly #exact = new Automaton();
  readonly #folded = new Automaton();
  readonly #ids = new Map<string, number>();
  #hasFolded = false;
  #built = false;
  #seen = new Uint32Array(0);
  #stamp = 0;
  #hits = new Int32Array(0);
  #hitCount = 0;

  /** The id of `literal` (lower case when `folded`), adding it before `build()`. */
  add(literal: string, folded: boolean): number {
    const key = `${folded ? "f" : "e"}${literal}`;
    const known = this.#ids.get(key);
    if (known !== undefined) return known;
    if (this.#built) throw new Error(`Cannot add literal ${JSON.stringify(literal)}: index built`);
    if (literal === "") throw new RangeError("Cannot index an empty literal");
    if (folded && literal !== literal.toLowerCase()) {
      throw new RangeError(`Cannot index ${JSON.stringify(literal)} as folded: not lower case`);
    }
    const id = this.#ids.size;
    this.#ids.set(key, id);
    (folded ? this.#folded : this.#exact).insert(literal, id);
    this.#hasFolded ||= folded;
    return id;
  }

  /** Prepares the automata; call once after the last `add`. */
  build(): void {
    this.#exact.flatten();
    this.#folded.flatten();
    this.#seen = new Uint32Array(this.#ids.size);
    this.#hits = new Int32Array(this.#ids.size);
    this.#built = true;
  }

  /** Marks the literals occurring in `text`; read them with `found` until the next search. */
  search(text: string): void {
    if (!this.#built) throw new Error("Cannot search a literal index before build()");
    const stamp = ++this.#stamp;
    let count = this.#exact.search(text, this.#seen, stamp, this.#hits, 0);
    if (this.#hasFolded) {
      count = this.#folded.search(text.toLowerCase(), this.#seen, stamp, this.#hits, count);
    }
    this.#hitCount = count;
  }

  /** How many distinct literals the last search found. */
  get foundCount(): number {
    return this.#hitCount;
  }

  /** The id of the `i`-th literal the last search found (0 <= i < foundCount). */
  foundId(i: number): number {
    return this.#hits[i] ?? -1;
  }

  /** Whether literal `id` occurred in the last searched text. */
  found(id: number): boolean {
    return this.#seen[id] === this.#stamp;
  }
}
