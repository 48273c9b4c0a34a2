/**
 * What a warehouse writes of a batch, decided inside its transaction from what it stored: chunks
 * whose partition log does not continue the stored watermark are held back (not written, not
 * acknowledged), replays of really stored offsets are dropped, and the rest is new. Shared by
 * every warehouse, so both refuse and drop exactly the same events.
 */
import type { ChunkSpan } from "../../messages/chunk_position.ts";
import type { Cell, DeadLetter, RowBatch } from "../../messages/staging_columns.ts";
import type { Refusal } from "../../messages/writer.ts";
import { checkChunk, NOTHING_STORED, type StoredPartition } from "./partition_guard.ts";
import { filterReplays, partitionKey } from "./replay_filter.ts";

/** A partition's state after the batch: its epoch, new watermark and topic id. */
export interface PartitionAdvance {
  readonly topic: string;
  readonly partition: number;
  readonly epoch: number;
  readonly maxOffset: number;
  readonly topicId: string | null;
}

/** The part of a batch to write, and what was held back or dropped. */
export interface BatchPlan {
  /** New rows and dead letters. */
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  /** Rows and dead letters dropped because they are stored already. */
  readonly replayed: number;
  /** Rows and dead letters of refused chunks: not written, not acknowledged. */
  readonly held: number;
  /** One refusal per partition held back. */
  readonly refusals: readonly Refusal[];
  /** Chunks whose every event is now stored (new or replayed): these may be acknowledged. */
  readonly acceptedChunkIds: readonly number[];
  /** Partitions whose watermark (or topic id) moves. */
  readonly advanced: readonly PartitionAdvance[];
  /** The watermark epoch the rows of a partition are stored under. */
  epochOf(topic: string, partition: number): number;
}

/** A batch to plan: rows and dead letters in chunk order, and the chunks (absent: no checks). */
export interface PlannedInput {
  readonly rows: RowBatch;
  readonly deadLetters: readonly DeadLetter[];
  readonly chunks?: readonly ChunkSpan[] | undefined;
}

/** Keeps the listed rows of a batch. */
function pickRows(rows: RowBatch, keep: readonly number[]): RowBatch {
  if (keep.length === rows.rowCount) return rows;
  return {
    rowCount: keep.length,
    columns: rows.columns.map((column): Cell[] => keep.map((row) => column[row] ?? null)),
  };
}

/** Plans `batch` against `stored` (partition key -> what the warehouse holds). */
export function planBatch(
  batch: PlannedInput,
  stored: ReadonlyMap<string, StoredPartition>,
): BatchPlan {
  const state = (topic: string, partition: number) =>
    stored.get(partitionKey(topic, partition)) ?? NOTHING_STORED;
  const refused = new Map<string, Refusal>();
  const accepted: number[] = [];
  const topicIds = new Map<string, string>();
  const keepRows: number[] = [];
  const keepLetters: number[] = [];
  let held = 0;
  let row = 0;
  let letter = 0;
  // The watermark as the batch's own accepted chunks move it, per partition.
  const reached = new Map<string, number>();
  for (const span of batch.chunks ?? []) {
    const key = partitionKey(span.topic, span.partition);
    const known = state(span.topic, span.partition);
    const now = { ...known, maxOffset: Math.max(known.maxOffset, reached.get(key) ?? -1) };
    const refusal = refused.get(key) ??
      checkChunk(span.topic, span.partition, span.position, now);
    if (refusal === null) {
      accepted.push(span.chunkId);
      reached.set(key, Math.max(now.maxOffset, span.position.lastOffset));
      if (known.topicId === null && span.position.topicId !== null) {
        topicIds.set(key, span.position.topicId);
      }
      for (let i = 0; i < span.rowCount; i++) keepRows.push(row + i);
      for (let i = 0; i < span.deadLetterCount; i++) keepLetters.push(letter + i);
    } else {
      refused.set(key, refusal);
      held += span.rowCount + span.deadLetterCount;
    }
    row += span.rowCount;
    letter += span.deadLetterCount;
  }
  const checked = batch.chunks !== undefined && refused.size > 0;
  const rows = checked ? pickRows(batch.rows, keepRows) : batch.rows;
  const letters = checked ? keepLetters.map((i) => batch.deadLetters[i] as DeadLetter) : batch
    .deadLetters;
  const watermarks = new Map<string, number>();
  for (const [key, s] of stored) watermarks.set(key, s.maxOffset);
  const fresh = filterReplays(rows, letters, watermarks);
  const advanced: PartitionAdvance[] = fresh.advanced.map((w) => {
    const key = partitionKey(w.topic, w.partition);
    const known = state(w.topic, w.partition);
    return { ...w, epoch: known.epoch, topicId: topicIds.get(key) ?? known.topicId };
  });
  return {
    rows: fresh.rows,
    deadLetters: fresh.deadLetters,
    replayed: fresh.replayed,
    held,
    refusals: [...refused.values()],
    acceptedChunkIds: batch.chunks === undefined ? [] : accepted,
    advanced,
    epochOf: (topic, partition) => state(topic, partition).epoch,
  };
}
