/**
 * Protocol of the batcher: enriched chunks in, write batches out when a batch reaches its row,
 * byte or age limit. Per partition, batches continue exactly where the previous one ended.
 */
import { isEmpty, isNumberArray, isRecord } from "../actors/runtime/guards.ts";
import { message, request } from "../actors/runtime/protocol.ts";
import { type ChunkSpan, isChunkSpans } from "./chunk_position.ts";
import { isEnrichedChunk } from "./enricher.ts";
import { isPackedRows, type PackedRows } from "./packed_rows.ts";
import { type DeadLetter, isDeadLetters } from "./staging_columns.ts";

/** Init arguments: the limits of a batch. */
export interface BatchLimits {
  readonly maxRows: number;
  readonly maxAgeMs: number;
  /** Packed row bytes plus dead-letter bytes of one batch. */
  readonly maxBytes: number;
}

/** Test-only batcher faults (never set in production). */
export interface BatcherFaults {
  /** The first incarnation throws on its Nth `batcher.add` (0: never). */
  readonly crashOnNthChunk: number;
}

/** Init arguments: a batch's limits, and test faults. */
export interface BatcherArgs extends BatchLimits {
  readonly faults: BatcherFaults;
}

/** A closed batch on its way to the writer: its chunks' rows and dead letters, in order. */
export interface WriteBatch {
  readonly rows: PackedRows;
  readonly deadLetters: DeadLetter[];
  readonly chunkIds: number[];
  /** Each chunk's share of the rows and dead letters, in order. */
  readonly chunks: ChunkSpan[];
}

/** Checks batcher init arguments (its limits). */
export const isBatchLimits = (v: unknown): v is BatchLimits =>
  isRecord(v) && typeof v.maxRows === "number" && typeof v.maxAgeMs === "number" &&
  typeof v.maxBytes === "number";

/** Checks a write batch. */
export const isWriteBatch = (v: unknown): v is WriteBatch =>
  isRecord(v) && isPackedRows(v.rows) && isDeadLetters(v.deadLetters) &&
  isNumberArray(v.chunkIds) && isChunkSpans(v.chunks);

/** Checks batcher init arguments. */
export const isBatcherArgs = (v: unknown): v is BatcherArgs =>
  isBatchLimits(v) && isRecord(v) && isRecord(v.faults) &&
  typeof v.faults.crashOnNthChunk === "number";

const isClosed = (v: unknown): v is { closed: number } =>
  isRecord(v) && typeof v.closed === "number";

/** What the batcher accepts and emits. */
export const BATCHER_PROTOCOL = {
  name: "batcher",
  accepts: {
    "batcher.add": message(isEnrichedChunk),
    /** Close the open batch now (shutdown, export); replies with the batches closed. */
    "batcher.flush": request(isEmpty, isClosed),
  },
  emits: {
    "batcher.batchClosed": message(isWriteBatch),
  },
} as const;
