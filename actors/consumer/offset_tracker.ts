/**
 * Which Kafka offsets may be committed: per partition, the chunks of messages handed downstream
 * in order, and which of them the writer has acknowledged as durable. A partition's commit point
 * only moves past a chunk when it and every chunk before it are acknowledged.
 */

/** A contiguous run of one partition's messages travelling together through the pipeline. */
export interface ChunkRef {
  readonly id: number;
  readonly topic: string;
  readonly partition: number;
  /** Offset of the first and last message of the chunk. */
  readonly firstOffset: number;
  readonly lastOffset: number;
}

interface PartitionState {
  /** Chunks in delivery order; acknowledged ones are removed from the head. */
  readonly chunks: { ref: ChunkRef; acked: boolean }[];
  /** Index of the head in `chunks` (avoids shifting the array). */
  head: number;
  /** Next offset to commit (last acknowledged contiguous offset + 1); undefined before any. */
  commitOffset: number | undefined;
  /** The highest offset Kafka confirmed committed (-1 before any). */
  confirmed: number;
}

const key = (topic: string, partition: number) => `${topic}\u0000${partition}`;

/** Tracks chunks per partition and answers what may be committed. */
export class OffsetTracker {
  #nextId: number;
  readonly #partitions = new Map<string, PartitionState>();
  readonly #byId = new Map<number, { ref: ChunkRef; acked: boolean }>();

  /** Ids start at `firstId`: give each consumer incarnation its own range so ids never repeat. */
  constructor(firstId = 1) {
    this.#nextId = firstId;
  }

  /** Records a chunk handed downstream; chunks of a partition must be tracked in offset order. */
  track(topic: string, partition: number, firstOffset: number, lastOffset: number): ChunkRef {
    if (lastOffset < firstOffset) {
      throw new RangeError(`Chunk ends before it starts: ${firstOffset}..${lastOffset}`);
    }
    const k = key(topic, partition);
    let state = this.#partitions.get(k);
    if (state === undefined) {
      state = { chunks: [], head: 0, commitOffset: undefined, confirmed: -1 };
      this.#partitions.set(k, state);
    }
    const last = state.chunks[state.chunks.length - 1];
    if (last !== undefined && firstOffset <= last.ref.lastOffset) {
      throw new RangeError(
        `Chunk ${topic}/${partition} at ${firstOffset} does not follow ${last.ref.lastOffset}`,
      );
    }
    const ref: ChunkRef = { id: this.#nextId++, topic, partition, firstOffset, lastOffset };
    const entry = { ref, acked: false };
    state.chunks.push(entry);
    this.#byId.set(ref.id, entry);
    return ref;
  }

  /** Marks a chunk durable; unknown ids (already acknowledged, or of a revoked partition) are ignored. */
  ack(id: number): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    entry.acked = true;
    this.#byId.delete(id);
    const state = this.#partitions.get(key(entry.ref.topic, entry.ref.partition));
    if (state === undefined) return;
    while (state.head < state.chunks.length) {
      const head = state.chunks[state.head];
      if (head === undefined || !head.acked) break;
      state.commitOffset = head.ref.lastOffset + 1;
      state.head++;
    }
    if (state.head > 1024 && state.head * 2 > state.chunks.length) {
      state.chunks.splice(0, state.head);
      state.head = 0;
    }
  }

  /**
   * The partitions whose commit point is ahead of what Kafka confirmed, with the offset to
   * commit. They stay offered until `committed` confirms them, so a failed commit is retried.
   */
  committable(): { topic: string; partition: number; offset: number }[] {
    const out: { topic: string; partition: number; offset: number }[] = [];
    for (const [k, state] of this.#partitions) {
      if (state.commitOffset === undefined || state.commitOffset <= state.confirmed) continue;
      const [topic = "", partition = "0"] = k.split("\u0000");
      out.push({ topic, partition: Number(partition), offset: state.commitOffset });
    }
    return out;
  }

  /** Records offsets Kafka confirmed committed (partitions forgotten meanwhile are ignored). */
  committed(offsets: readonly { topic: string; partition: number; offset: number }[]): void {
    for (const o of offsets) {
      const state = this.#partitions.get(key(o.topic, o.partition));
      if (state !== undefined) state.confirmed = Math.max(state.confirmed, o.offset);
    }
  }

  /** Number of chunks handed downstream and not yet acknowledged, over all or one partition. */
  pending(topic?: string, partition?: number): number {
    if (topic === undefined || partition === undefined) return this.#byId.size;
    const state = this.#partitions.get(key(topic, partition));
    if (state === undefined) return 0;
    let n = 0;
    for (let i = state.head; i < state.chunks.length; i++) if (!state.chunks[i]?.acked) n++;
    return n;
  }

  /** Forgets a partition (after it was revoked and drained, or on a crash downstream). */
  forget(topic: string, partition: number): void {
    const state = this.#partitions.get(key(topic, partition));
    if (state === undefined) return;
    for (const entry of state.chunks) this.#byId.delete(entry.ref.id);
    this.#partitions.delete(key(topic, partition));
  }
}
