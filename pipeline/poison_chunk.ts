/**
 * The enricher pool's last resort: a chunk whose enricher Worker died without a word (outside
 * any handler, so no single event could be named) on every try. Each of its messages turns into
 * a `poison` dead letter with its raw bytes, and the chunk goes on to the batcher with no rows,
 * so every event is accounted for and its offsets are committed in order.
 */
import type { EnrichedChunk } from "../messages/enricher.ts";
import { isPackedChunk, valueAt } from "../messages/packed_chunk.ts";
import { emptyRows } from "../messages/packed_rows.ts";

/** The dead-letter form of a poison chunk; throws `TypeError` when `body` is not a chunk. */
export function poisonChunk(body: unknown, error: Error): EnrichedChunk {
  if (!isPackedChunk(body)) throw new TypeError("A dead-lettered enricher message is not a chunk");
  const reason = `crashed the enricher repeatedly: ${error.name}: ${error.message}`;
  const deadLetters = Array.from({ length: body.count }, (_, i) => ({
    topic: body.topic,
    partition: body.partition,
    offset: body.offsets[i] ?? -1,
    kafkaTimestampMs: body.timestamps[i] ?? null,
    code: "poison",
    reason,
    raw: valueAt(body, i).slice(),
  }));
  const { chunkId, topic, partition, epoch, seq, position } = body;
  return {
    chunkId,
    topic,
    partition,
    epoch,
    seq,
    position,
    rows: emptyRows(),
    deadLetters,
  };
}
