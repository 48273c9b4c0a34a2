/**
 * Whether the writer may treat a chunk as the continuation of what the warehouse stored for its
 * partition. Replays are only dropped when they are really stored: a chunk that would advance the
 * watermark across offsets never stored (a gap), a log that ends below the watermark, a topic with
 * another id, or a group commit ahead of the watermark is refused, and says why with both offsets.
 */
import type { ChunkPosition } from "../../messages/chunk_position.ts";
import type { Refusal } from "../../messages/writer.ts";

/** What the warehouse holds for one partition in its current watermark epoch. */
export interface StoredPartition {
  /** Watermark epoch: 0 until the partition was reset (a new log under the same name). */
  readonly epoch: number;
  /** Highest offset stored in this epoch (-1: none yet). */
  readonly maxOffset: number;
  /** Kafka topic id the stored offsets came from (null: not known). */
  readonly topicId: string | null;
}

/** Nothing stored yet. */
export const NOTHING_STORED: StoredPartition = { epoch: 0, maxOffset: -1, topicId: null };

function reset(topic: string, partition: number): string {
  return `After checking, start a new watermark epoch for it with ` +
    `'./denow task reset-partition -- --topic ${topic} --partition ${partition}' ` +
    "(pipeline stopped) and start the pipeline again.";
}

/** Checks a chunk of `topic`/`partition` at `position` against `stored`; null when it may go on. */
export function checkChunk(
  topic: string,
  partition: number,
  position: ChunkPosition,
  stored: StoredPartition,
): Refusal | null {
  const where = `topic ${topic} partition ${partition}`;
  const w = stored.maxOffset;
  const base = { topic, partition, epoch: stored.epoch, storedOffset: w };
  if (stored.topicId !== null && position.topicId !== null && stored.topicId !== position.topicId) {
    return {
      ...base,
      kind: "topic_changed",
      kafkaOffset: position.logEnd,
      halts: true,
      message: `Refusing ${where}: the warehouse stored offsets up to ${w} (epoch ` +
        `${stored.epoch}) from topic id ${stored.topicId}, but Kafka now serves topic id ` +
        `${position.topicId} (log end offset ${position.logEnd}): the topic was deleted and ` +
        `recreated, or this is another cluster. None of its events are written or committed. ` +
        reset(topic, partition),
    };
  }
  if (w >= 0 && position.logEnd - 1 < w) {
    return {
      ...base,
      kind: "log_truncated",
      kafkaOffset: position.logEnd,
      halts: true,
      message: `Refusing ${where}: its log ends at offset ${position.logEnd - 1} but the ` +
        `warehouse stored offsets up to ${w} (epoch ${stored.epoch}): this is not the log those ` +
        `offsets came from (a recreated topic, another cluster, or a wiped broker). None of its ` +
        `events are written or counted as replays, nothing is committed. ${
          reset(topic, partition)
        }`,
    };
  }
  const prev = position.prevOffset;
  if (prev === null || prev <= w) return null;
  if (position.fromCommit) {
    return {
      ...base,
      kind: "committed_ahead",
      kafkaOffset: prev + 1,
      halts: true,
      message: `Refusing ${where}: the consumer group committed offset ${prev + 1}, but the ` +
        `warehouse stored offsets only up to ${w} (epoch ${stored.epoch}): offsets ${w + 1} to ` +
        `${prev} were committed without being stored here (a warehouse restored from an older ` +
        `copy, or another warehouse). Re-read them by resetting the group's offsets, or accept ` +
        `the gap with 'reset-partition --from-offset ${prev + 1}'.`,
    };
  }
  return {
    ...base,
    kind: "gap",
    kafkaOffset: prev,
    halts: false,
    message: `Refusing a chunk of ${where} at offsets ${position.firstOffset}..` +
      `${position.lastOffset}: the offset before it is ${prev}, but the warehouse stored only up ` +
      `to ${w} (epoch ${stored.epoch}), so offsets ${w + 1} to ${prev} would be skipped. ` +
      "Nothing of it is written or acknowledged; the consumer re-reads from its last commit.",
  };
}
