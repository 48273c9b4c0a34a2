/**
 * Exact replay dedupe by watermark: per partition, everything at or below the highest stored
 * offset is already durable (the writer checked, in `batch_plan.ts`, that the batch continues
 * the stored log without a gap), so it is dropped before writing. Also drops repeats inside one
 * batch. Shared by every warehouse.
 */

import type { Cell, DeadLetter, RowBatch } from "../../messages/staging_columns.ts";
import { columnOf } from "./batch_columns.ts";

/** A batch with replays removed, and the watermarks to store with it. */
export interface FilteredBatch {
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  /** Rows and dead letters dropped as replays. */
  readonly replayed: number;
  /** New watermark of each partition the batch advanced. */
  readonly advanced: readonly { topic: string; partition: number; maxOffset: number }[];
}

/** Key of a partition in watermark maps. */
export const partitionKey = (topic: string, partition: number): string =>
  `${topic}\u0000${partition}`;

/** Per partition: the highest offset kept, every offset kept, and (when out of order) a set. */
interface Kept {
  readonly high: { topic: string; partition: number; maxOffset: number };
  readonly offsets: number[];
  set: Set<number> | undefined;
}

/**
 * Decides per event whether it is new: above the stored watermark and not kept already. Events of
 * one partition come in runs, so the partition's state is looked up once per run, not per event.
 */
class Keeper {
  readonly partitions = new Map<string, Kept>();
  /** The partition of the run under way, its stored watermark and what it kept so far. */
  #topic: string | undefined;
  #partition = -1;
  #key = "";
  #stored = -1;
  #kept: Kept | undefined;

  constructor(private readonly stored: ReadonlyMap<string, number>) {}

  keep(topic: string, partition: number, offset: number): boolean {
    if (topic !== this.#topic || partition !== this.#partition) {
      this.#topic = topic;
      this.#partition = partition;
      this.#key = partitionKey(topic, partition);
      this.#stored = this.stored.get(this.#key) ?? -1;
      this.#kept = this.partitions.get(this.#key);
    }
    if (offset <= this.#stored) return false;
    const kept = this.#kept;
    if (kept === undefined) {
      const high = { topic, partition, maxOffset: offset };
      this.#kept = { high, offsets: [offset], set: undefined };
      this.partitions.set(this.#key, this.#kept);
      return true;
    }
    if (offset > kept.high.maxOffset) {
      kept.high.maxOffset = offset;
    } else {
      // Out of order (rare): answer from a set of every offset kept so far.
      kept.set ??= new Set(kept.offsets);
      if (kept.set.has(offset)) return false;
    }
    kept.offsets.push(offset);
    kept.set?.add(offset);
    return true;
  }
}

function coordinate(column: readonly Cell[] | undefined, row: number, name: string): unknown {
  const value = column?.[row];
  if (value === null || value === undefined) {
    throw new TypeError(`Cannot write row ${row}: ${name} is missing`);
  }
  return value;
}

/** Removes rows and dead letters at or below `stored` (partition key -> max offset). */
export function filterReplays(
  rows: RowBatch,
  deadLetters: readonly DeadLetter[],
  stored: ReadonlyMap<string, number>,
): FilteredBatch {
  const keeper = new Keeper(stored);
  const topics = columnOf(rows, "_topic");
  const partitions = columnOf(rows, "_partition");
  const offsets = columnOf(rows, "_offset");
  const kept: number[] = [];
  for (let row = 0; row < rows.rowCount; row++) {
    const topic = coordinate(topics, row, "_topic");
    const partition = coordinate(partitions, row, "_partition");
    const offset = coordinate(offsets, row, "_offset");
    if (typeof topic !== "string" || typeof partition !== "number" || typeof offset !== "number") {
      throw new TypeError(`Cannot write row ${row}: Kafka coordinates have the wrong types`);
    }
    if (keeper.keep(topic, partition, offset)) kept.push(row);
  }
  const letters = deadLetters.filter((d) => keeper.keep(d.topic, d.partition, d.offset));
  const replayed = rows.rowCount - kept.length + deadLetters.length - letters.length;
  const filtered: RowBatch = kept.length === rows.rowCount ? rows : {
    rowCount: kept.length,
    columns: rows.columns.map((column) => kept.map((row) => column[row] ?? null)),
  };
  return {
    rows: filtered,
    deadLetters: letters,
    replayed,
    advanced: [...keeper.partitions.values()].map((k) => ({ ...k.high })),
  };
}
