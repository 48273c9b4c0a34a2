/**
 * A chunk of one partition's Kafka messages packed for the trip to an enricher Worker: offsets,
 * timestamps and value boundaries in typed arrays and all values in one byte buffer, so the
 * whole chunk crosses `postMessage` as a few transferable buffers instead of one object per
 * message.
 */
import { copyBytes, takeBytes } from "../actors/runtime/buffer_pool.ts";
import { type ChunkPosition, isChunkPosition } from "./chunk_position.ts";

/** A packed chunk; plain data that survives structured clone. */
export interface PackedChunk {
  readonly chunkId: number;
  readonly topic: string;
  readonly partition: number;
  readonly epoch: number;
  readonly seq: number;
  /** Where the chunk sits in its partition's log (checked by the writer). */
  readonly position: ChunkPosition;
  readonly count: number;
  /** Kafka offsets. */
  readonly offsets: Float64Array;
  /** Kafka message timestamps, epoch ms. */
  readonly timestamps: Float64Array;
  /** End of message i's value in `values` (start is the previous end, or 0). */
  readonly valueEnds: Uint32Array;
  /** All message values, concatenated. */
  readonly values: Uint8Array;
}

/** One message as a packer takes it. */
export interface PackableRecord {
  readonly offset: number;
  readonly timestampMs: number;
  readonly value: Uint8Array;
}

/** The header fields of a chunk. */
export type ChunkHeader = Pick<
  PackedChunk,
  "chunkId" | "topic" | "partition" | "epoch" | "seq" | "position"
>;

/** Packs records (in offset order) into one chunk. */
export function packChunk(header: ChunkHeader, records: readonly PackableRecord[]): PackedChunk {
  const count = records.length;
  const offsets = new Float64Array(count);
  const timestamps = new Float64Array(count);
  const valueEnds = new Uint32Array(count);
  let total = 0;
  for (const r of records) total += r.value.byteLength;
  const values = takeBytes(total);
  let at = 0;
  records.forEach((r, i) => {
    offsets[i] = r.offset;
    timestamps[i] = r.timestampMs;
    values.set(r.value, at);
    at += r.value.byteLength;
    valueEnds[i] = at;
  });
  return { ...header, count, offsets, timestamps, valueEnds, values };
}

/** The value bytes of message `i` (a view, not a copy). */
export function valueAt(chunk: PackedChunk, i: number): Uint8Array {
  const start = i === 0 ? 0 : chunk.valueEnds[i - 1] ?? 0;
  return chunk.values.subarray(start, chunk.valueEnds[i] ?? start);
}

/** The chunk with its buffers copied (for a receiver while the sender keeps the original). */
export function copiedChunk(chunk: PackedChunk): PackedChunk {
  return {
    ...chunk,
    offsets: chunk.offsets.slice(),
    timestamps: chunk.timestamps.slice(),
    valueEnds: chunk.valueEnds.slice(),
    values: copyBytes(chunk.values),
  };
}

/** The buffers to list as transferables when posting the chunk. */
export function chunkTransferables(chunk: PackedChunk): ArrayBuffer[] {
  const buffers = [chunk.offsets, chunk.timestamps, chunk.valueEnds, chunk.values].map((a) =>
    a.buffer
  );
  return buffers.filter((b): b is ArrayBuffer => b instanceof ArrayBuffer);
}

/** Checks a value received from another Worker is a well-formed packed chunk. */
export function isPackedChunk(value: unknown): value is PackedChunk {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  const count = v.count;
  return typeof v.chunkId === "number" && typeof v.topic === "string" &&
    typeof v.partition === "number" && typeof v.epoch === "number" && typeof v.seq === "number" &&
    isChunkPosition(v.position) && typeof count === "number" && v.offsets instanceof Float64Array &&
    v.timestamps instanceof Float64Array && v.valueEnds instanceof Uint32Array &&
    v.values instanceof Uint8Array && v.offsets.length === count &&
    v.timestamps.length === count && v.valueEnds.length === count &&
    (count === 0 || v.valueEnds[count - 1] === v.values.byteLength);
}
