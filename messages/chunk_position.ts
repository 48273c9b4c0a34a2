/**
 * Where a chunk sits in its partition's log, as the consumer saw it when it fetched the chunk.
 * It travels with the chunk from the consumer through the enricher and the batcher to the writer,
 * which checks it against what the warehouse stored before it treats anything as a replay: a gap
 * before the chunk, a log shorter than the watermark or a topic with another identity is refused.
 */
import { isRecord } from "../actors/runtime/guards.ts";

/** A chunk's place in its partition's log. */
export interface ChunkPosition {
  /**
   * The topic's id (Kafka's topic UUID) when the broker told it, else null. A deleted and
   * recreated topic, or the same name on another cluster, has another id.
   */
  readonly topicId: string | null;
  /**
   * Offset of the message the consumer handed over just before this chunk's first in the same
   * partition, or, for the first chunk after the partition was assigned, the group's committed
   * offset − 1; null when the consumer does not know (no committed offset).
   */
  readonly prevOffset: number | null;
  /** True when `prevOffset` comes from the committed offset (first chunk of an assignment). */
  readonly fromCommit: boolean;
  /** Offsets of the chunk's first and last message. */
  readonly firstOffset: number;
  readonly lastOffset: number;
  /** The partition's log end offset (high watermark) when the chunk was fetched. */
  readonly logEnd: number;
}

/** A position that says nothing, for rows whose origin is not a consumer (tools, tests). */
export function unknownPosition(firstOffset: number, lastOffset: number): ChunkPosition {
  return {
    topicId: null,
    prevOffset: null,
    fromCommit: false,
    firstOffset,
    lastOffset,
    logEnd: Number.MAX_SAFE_INTEGER,
  };
}

const isOffsetOrNull = (v: unknown) => v === null || typeof v === "number";

/** Checks a position received from another Worker. */
export const isChunkPosition = (v: unknown): v is ChunkPosition =>
  isRecord(v) && (v.topicId === null || typeof v.topicId === "string") &&
  isOffsetOrNull(v.prevOffset) && typeof v.fromCommit === "boolean" &&
  typeof v.firstOffset === "number" && typeof v.lastOffset === "number" &&
  typeof v.logEnd === "number";

/**
 * One chunk's share of a write batch: the batch's rows and dead letters are its chunks' in
 * order, so the writer can hold one partition back without touching the others.
 */
export interface ChunkSpan {
  readonly chunkId: number;
  readonly topic: string;
  readonly partition: number;
  readonly position: ChunkPosition;
  /** Rows and dead letters this chunk contributes, after those of the spans before it. */
  readonly rowCount: number;
  readonly deadLetterCount: number;
}

/** Checks a list of spans received from another Worker. */
export const isChunkSpans = (v: unknown): v is ChunkSpan[] =>
  Array.isArray(v) &&
  v.every((s) =>
    isRecord(s) && typeof s.chunkId === "number" && typeof s.topic === "string" &&
    typeof s.partition === "number" && isChunkPosition(s.position) &&
    typeof s.rowCount === "number" && typeof s.deadLetterCount === "number"
  );
