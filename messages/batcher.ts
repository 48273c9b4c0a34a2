/**
 * Protocol of the batcher: enriched chunks in, write batches out when a batch reaches its row
 * limit or its age limit. Per partition, batches continue exactly where the previous one ended.
 */
import type { BatchLimits, WriteBatch } from "../actors/batcher/batch_assembler.ts";
import { message, request } from "../actors/runtime/protocol.ts";
import { isChunkSpans } from "./chunk_position.ts";
import { isEnrichedChunk } from "./enricher.ts";
import { isDeadLetters, isEmpty, isNumberArray, isRecord } from "./guards.ts";
import { isPackedRows } from "./packed_rows.ts";

/** Checks batcher init arguments (its limits). */
export const isBatchLimits = (v: unknown): v is BatchLimits =>
  isRecord(v) && typeof v.maxRows === "number" && typeof v.maxAgeMs === "number" &&
  typeof v.maxBytes === "number";

/** Checks a write batch. */
export const isWriteBatch = (v: unknown): v is WriteBatch =>
  isRecord(v) && isPackedRows(v.rows) && isDeadLetters(v.deadLetters) &&
  isNumberArray(v.chunkIds) && isChunkSpans(v.chunks);

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
