/**
 * Collects DB5 rows into the arrays of a range table: checks that ranges come sorted and do not
 * overlap, deduplicates strings and locations, and drops rows that know nothing ("-" only), so
 * that their addresses answer null like a gap.
 */
import type { Db5Row } from "./db5_line.ts";
import { NO_COORD, NONE } from "./table_format.ts";

/** A growable Uint32Array. */
class U32List {
  #data = new Uint32Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.#data.length) {
      const bigger = new Uint32Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = value;
  }

  values(): Uint32Array {
    return this.#data.subarray(0, this.length);
  }
}

/** The arrays of a finished table, ready to encode. */
export interface RangeArrays {
  readonly v4Index: Uint32Array;
  readonly v4IndexBits: number;
  readonly v4Starts: Uint32Array;
  readonly v4Ends: Uint32Array;
  readonly v4Locs: Uint32Array;
  readonly v6Starts: Uint32Array;
  readonly v6Ends: Uint32Array;
  readonly v6Locs: Uint32Array;
  readonly locStrings: Uint32Array;
  /** Latitude and longitude in micro-degrees, stored as the bits of an Int32. */
  readonly locCoords: Uint32Array;
  readonly strings: readonly string[];
}

/** Why a row was refused by the order check. */
export interface OrderProblem {
  readonly kind: "unsorted" | "overlap";
  readonly message: string;
}

const MAPPED_V4_BASE = 0xffff00000000n;
const MAPPED_V4_LAST = 0xffffffffffffn;

/** Accumulates the rows of one build. */
export class RangeAccumulator {
  readonly #strings = new Map<string, number>();
  readonly #locations = new Map<string, number>();
  readonly #locStrings = new U32List();
  readonly #locCoords = new U32List();
  readonly #v4 = { starts: new U32List(), ends: new U32List(), locs: new U32List() };
  readonly #v6 = { starts: new U32List(), ends: new U32List(), locs: new U32List() };
  #lastV4 = { from: -1, to: -1, line: 0 };
  #lastV6 = { from: -1n, to: -1n, line: 0 };
  /** Rows dropped because every field was unknown. */
  unknownRows = 0;
  /** IPv6 rows inside ::ffff:0:0/96 left out because an IPv4 file holds those ranges. */
  mappedRowsSkipped = 0;

  /** `mappedIntoV4`: put IPv6 rows of ::ffff:0:0/96 into the IPv4 table (no IPv4 file given). */
  constructor(readonly mappedIntoV4: boolean) {}

  /** IPv4 ranges stored so far. */
  get v4Count(): number {
    return this.#v4.locs.length;
  }

  /** Adds one row of an IPv4 file; returns why it was refused, or null. */
  addV4(row: Db5Row, line: number): OrderProblem | null {
    const from = Number(row.from);
    const to = Number(row.to);
    const last = this.#lastV4;
    const problem = orderProblem(from, to, last.from, last.to, last.line);
    if (problem !== null) return problem;
    this.#lastV4 = { from, to, line };
    const loc = this.#location(row);
    if (loc !== NONE) this.#push(this.#v4, [from], [to], loc);
    return null;
  }

  /** Adds one row of an IPv6 file; returns why it was refused, or null. */
  addV6(row: Db5Row, line: number): OrderProblem | null {
    const from = BigInt(row.from);
    const to = BigInt(row.to);
    const last = this.#lastV6;
    const problem = orderProblem(from, to, last.from, last.to, last.line);
    if (problem !== null) return problem;
    this.#lastV6 = { from, to, line };
    if (from >= MAPPED_V4_BASE && to <= MAPPED_V4_LAST) {
      if (!this.mappedIntoV4) {
        this.mappedRowsSkipped++;
        return null;
      }
      const v4 = { ...row, from: Number(from - MAPPED_V4_BASE), to: Number(to - MAPPED_V4_BASE) };
      return this.addV4(v4, line);
    }
    const loc = this.#location(row);
    if (loc !== NONE) this.#push(this.#v6, words(from), words(to), loc);
    return null;
  }

  /** The finished arrays, with an IPv4 first-level index on the top `indexBits` bits. */
  finish(indexBits: number): RangeArrays {
    const v4Starts = this.#v4.starts.values();
    const entries = 2 ** indexBits + 1;
    const bucketSize = 2 ** (32 - indexBits);
    const v4Index = new Uint32Array(entries);
    for (let h = 0, j = 0; h < entries; h++) {
      while (j < v4Starts.length && v4Starts[j]! < h * bucketSize) j++;
      v4Index[h] = j;
    }
    return {
      v4Index,
      v4IndexBits: indexBits,
      v4Starts,
      v4Ends: this.#v4.ends.values(),
      v4Locs: this.#v4.locs.values(),
      v6Starts: this.#v6.starts.values(),
      v6Ends: this.#v6.ends.values(),
      v6Locs: this.#v6.locs.values(),
      locStrings: this.#locStrings.values(),
      locCoords: this.#locCoords.values(),
      strings: [...this.#strings.keys()],
    };
  }

  #push(
    lists: Record<"starts" | "ends" | "locs", U32List>,
    from: number[],
    to: number[],
    loc: number,
  ) {
    for (const w of from) lists.starts.push(w);
    for (const w of to) lists.ends.push(w);
    lists.locs.push(loc);
  }

  #string(value: string | null): number {
    if (value === null) return NONE;
    let id = this.#strings.get(value);
    if (id === undefined) {
      id = this.#strings.size;
      this.#strings.set(value, id);
    }
    return id;
  }

  /** The location id of a row, or NONE when the row knows nothing. */
  #location(row: Db5Row): number {
    const { countryCode, country, region, city } = row;
    if (countryCode === null && country === null && region === null && city === null) {
      this.unknownRows++;
      return NONE;
    }
    const key =
      `${countryCode}\u0000${country}\u0000${region}\u0000${city}\u0000${row.latE6}\u0000${row.lonE6}`;
    let id = this.#locations.get(key);
    if (id === undefined) {
      id = this.#locations.size;
      this.#locations.set(key, id);
      for (const s of [countryCode, country, region, city]) this.#locStrings.push(this.#string(s));
      this.#locCoords.push((row.latE6 ?? NO_COORD) >>> 0);
      this.#locCoords.push((row.lonE6 ?? NO_COORD) >>> 0);
    }
    return id;
  }
}

function orderProblem<T extends number | bigint>(
  from: T,
  to: T,
  lastFrom: T,
  lastTo: T,
  lastLine: number,
): OrderProblem | null {
  if (from < lastFrom) {
    return {
      kind: "unsorted",
      message: `ip_from ${from} is below ip_from ${lastFrom} of line ${lastLine}`,
    };
  }
  if (from <= lastTo) {
    return {
      kind: "overlap",
      message: `range ${from}-${to} overlaps range ${lastFrom}-${lastTo} of line ${lastLine}`,
    };
  }
  return null;
}

/** A 128-bit address as four big-endian 32-bit words. */
function words(value: bigint): number[] {
  return [96n, 64n, 32n, 0n].map((shift) => Number((value >> shift) & 0xffffffffn));
}
