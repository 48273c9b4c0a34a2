/**
 * What the consumer knows about each partition's place in the log, per group generation: the
 * offset handed over last, or, before the first chunk of an assignment, the group's committed
 * offset. Each chunk gets its `ChunkPosition` from here, so the writer can tell a replay from a
 * gap or from a different log.
 */
import type { ChunkPosition } from "../../messages/chunk_position.ts";

/** Per-partition positions of one group generation. */
export class ChunkPositions {
  /** Last offset handed over per partition in this generation. */
  readonly #handed = new Map<number, number>();
  /** Committed offsets per partition when the generation began (-1: none). */
  #committed: ReadonlyMap<number, number> = new Map();
  /** The group generation (the consumer's epoch) these positions belong to. */
  generation = -1;

  /** Starts generation `generation` with the group's committed offsets (partition -> offset). */
  reset(generation: number, committed: ReadonlyMap<number, number>): void {
    this.generation = generation;
    this.#handed.clear();
    this.#committed = committed;
  }

  /** The offset the consumer knows precedes `partition`'s next chunk (null: unknown). */
  #prev(partition: number): number | null {
    const handed = this.#handed.get(partition);
    if (handed !== undefined) return handed;
    const committed = this.#committed.get(partition) ?? -1;
    return committed >= 0 ? committed - 1 : null;
  }

  /**
   * Whether a chunk starting at `first` goes back before what the consumer already accounted for:
   * the broker reset the position (the committed offset is past the log's end), so the topic may
   * not be the one it was.
   */
  movesBack(partition: number, first: number): boolean {
    const prev = this.#prev(partition);
    return prev !== null && first <= prev;
  }

  /** The position of a chunk `first..last` about to be handed over; records it as handed. */
  next(
    partition: number,
    first: number,
    last: number,
    logEnd: number,
    topicId: string | null,
  ): ChunkPosition {
    const fromCommit = !this.#handed.has(partition) && (this.#committed.get(partition) ?? -1) >= 0;
    const prevOffset = this.#prev(partition);
    this.#handed.set(partition, last);
    return { topicId, prevOffset, fromCommit, firstOffset: first, lastOffset: last, logEnd };
  }
}
