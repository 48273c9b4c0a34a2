/**
 * Holds the current range table of one isolate and swaps versions atomically: a swap makes the
 * new table current at once, and the old one is closed (unmapped) only when the last lease on it
 * is released, so lookups in flight on the old version finish on valid memory.
 */
import type { GeoLookup, GeoResult } from "./geo_lookup.ts";
import type { RangeTable } from "./range_table.ts";

/** A table in use; `release()` once done (idempotent). Lookups after release are a bug. */
export interface TableLease {
  readonly table: GeoLookup;
  release(): void;
}

interface Entry {
  readonly table: RangeTable;
  leases: number;
  retired: boolean;
}

/** One lookup's answer and the table version that gave it (recorded on the enriched row). */
export interface VersionedResult {
  readonly version: string | null;
  readonly result: GeoResult | null | "invalid";
}

/** The current table of an isolate (or none: geo columns stay empty). */
export class TableHolder {
  #current: Entry | null = null;

  /** Starts with `initial` (or no table). */
  constructor(initial: RangeTable | null = null) {
    if (initial !== null) this.#current = { table: initial, leases: 0, retired: false };
  }

  /** Version of the current table, or null when there is none. */
  get version(): string | null {
    return this.#current?.table.version ?? null;
  }

  /** The current table, or null. Safe for synchronous use only; across an await, lease it. */
  get current(): RangeTable | null {
    return this.#current?.table ?? null;
  }

  /** Leases the current table for a batch (which may await); null when there is none. */
  acquire(): TableLease | null {
    const entry = this.#current;
    if (entry === null) return null;
    entry.leases++;
    let released = false;
    return {
      table: entry.table,
      release: () => {
        if (released) return;
        released = true;
        entry.leases--;
        if (entry.retired && entry.leases === 0) entry.table.close();
      },
    };
  }

  /** Looks `ip` up in the current table, with the version used. */
  lookup(ip: string): VersionedResult {
    const table = this.#current?.table;
    return table === undefined
      ? { version: null, result: null }
      : { version: table.version, result: table.lookup(ip) };
  }

  /** Makes `next` current; the previous table closes once its leases are released. */
  swap(next: RangeTable | null): void {
    const previous = this.#current;
    if (previous?.table === next) return;
    this.#current = next === null ? null : { table: next, leases: 0, retired: false };
    if (previous !== null) {
      previous.retired = true;
      if (previous.leases === 0) previous.table.close();
    }
  }

  /** Closes the current table (at shutdown); outstanding leases keep it open until released. */
  close(): void {
    this.swap(null);
  }
}
