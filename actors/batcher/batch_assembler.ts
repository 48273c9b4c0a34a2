/**
 * Assembles enriched chunks into write batches: closes a batch at `maxRows` rows or `maxAgeMs`
 * after its first chunk, whichever comes first, and before a chunk would take it past `maxBytes`
 * (a column's JSON text must stay far below V8's string limit when the writer unpacks it; a
 * single chunk larger than that is a batch of its own). Chunks of a partition enter batches strictly in
 * the order the consumer sent them, even when the enricher pool finishes them out of order, so
 * that per partition every batch continues exactly where the previous one stopped.
 */
import type { BatchLimits, WriteBatch } from "../../messages/batcher.ts";
import type { EnrichedChunk } from "../../messages/enricher.ts";
import { concatRows, rowsTransferables } from "../../messages/packed_rows.ts";

/** What a chunk weighs in a batch: its packed rows and its dead letters' raw bytes and reasons. */
export function chunkBytes(chunk: EnrichedChunk): number {
  let bytes = chunk.rows.bytes.byteLength;
  for (const letter of chunk.deadLetters) bytes += letter.raw.byteLength + letter.reason.length;
  return bytes;
}

/** Orders chunks per partition and cuts batches by size and age. */
export class BatchAssembler {
  readonly #limits: BatchLimits;
  /** Next sequence number expected per partition and epoch. */
  readonly #next = new Map<string, number>();
  /** Chunks that arrived ahead of their turn. */
  readonly #early = new Map<string, Map<number, EnrichedChunk>>();
  #open: EnrichedChunk[] = [];
  #openRows = 0;
  #openBytes = 0;
  #openedAt: number | undefined;
  /** Chunks received again after they were batched (ignored). */
  duplicates = 0;
  readonly #spent: (buffers: ArrayBuffer[]) => void;

  /**
   * `spent` receives the row buffers of the chunks a closed batch copied (not those the batch
   * itself is made of): nothing reads them afterwards, so they can go back to their maker.
   */
  constructor(limits: BatchLimits, spent: (buffers: ArrayBuffer[]) => void = () => {}) {
    if (limits.maxRows < 1 || limits.maxAgeMs < 0 || !(limits.maxBytes >= 1)) {
      throw new RangeError(`Batch limits must be positive: ${JSON.stringify(limits)}`);
    }
    this.#limits = limits;
    this.#spent = spent;
  }

  /** Adds a chunk; returns the batches it completed (by size). */
  add(chunk: EnrichedChunk, now: number): WriteBatch[] {
    const stream = `${chunk.topic}\u0000${chunk.partition}\u0000${chunk.epoch}`;
    const expected = this.#next.get(stream) ?? 0;
    if (chunk.seq < expected) {
      // A redelivery (an enricher crashed after emitting, before its ack): already batched.
      this.duplicates++;
      return [];
    }
    if (chunk.seq > expected) {
      let early = this.#early.get(stream);
      if (early === undefined) this.#early.set(stream, early = new Map());
      early.set(chunk.seq, chunk);
      return [];
    }
    const out: WriteBatch[] = [];
    let next: EnrichedChunk | undefined = chunk;
    let seq = expected;
    while (next !== undefined) {
      this.#append(next, now, out);
      seq++;
      const early = this.#early.get(stream);
      next = early?.get(seq);
      if (next !== undefined) early?.delete(seq);
    }
    this.#next.set(stream, seq);
    return out;
  }

  /** Closes the open batch when it is older than `maxAgeMs` (call from a timer). */
  flushDue(now: number): WriteBatch | undefined {
    if (this.#openedAt === undefined || now - this.#openedAt < this.#limits.maxAgeMs) return;
    return this.flush();
  }

  /** When the open batch will be due, or undefined when nothing is open. */
  dueAt(): number | undefined {
    return this.#openedAt === undefined ? undefined : this.#openedAt + this.#limits.maxAgeMs;
  }

  /** Closes the open batch now (shutdown, seal); undefined when nothing is open. */
  flush(): WriteBatch | undefined {
    if (this.#open.length === 0) return undefined;
    const chunks = this.#open;
    this.#open = [];
    this.#openRows = 0;
    this.#openBytes = 0;
    this.#openedAt = undefined;
    const batch = concat(chunks);
    const kept = batch.rows.bytes.buffer;
    this.#spent(chunks.flatMap((c) => rowsTransferables(c.rows)).filter((b) => b !== kept));
    return batch;
  }

  /** Chunks held back waiting for an earlier chunk of their partition. */
  waiting(): number {
    let n = 0;
    for (const early of this.#early.values()) n += early.size;
    return n;
  }

  #append(chunk: EnrichedChunk, now: number, out: WriteBatch[]): void {
    const bytes = chunkBytes(chunk);
    if (this.#open.length > 0 && this.#openBytes + bytes > this.#limits.maxBytes) {
      const batch = this.flush();
      if (batch !== undefined) out.push(batch);
    }
    this.#open.push(chunk);
    this.#openRows += chunk.rows.rowCount + chunk.deadLetters.length;
    this.#openBytes += bytes;
    this.#openedAt ??= now;
    if (this.#openRows >= this.#limits.maxRows || this.#openBytes >= this.#limits.maxBytes) {
      const batch = this.flush();
      if (batch !== undefined) out.push(batch);
    }
  }
}

function concat(chunks: readonly EnrichedChunk[]): WriteBatch {
  return {
    rows: concatRows(chunks.map((c) => c.rows)),
    deadLetters: chunks.flatMap((c) => c.deadLetters),
    chunkIds: chunks.map((c) => c.chunkId),
    chunks: chunks.map((c) => ({
      chunkId: c.chunkId,
      topic: c.topic,
      partition: c.partition,
      position: c.position,
      rowCount: c.rows.rowCount,
      deadLetterCount: c.deadLetters.length,
    })),
  };
}
