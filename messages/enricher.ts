/**
 * Protocol of the enricher pool: a packed chunk in, the chunk's staged rows and dead letters
 * out, with the chunk's identity so the batcher keeps partition order and the consumer can
 * commit it.
 */
import type { EnrichedChunk } from "../actors/batcher/batch_assembler.ts";
import type { EventCoordinates } from "../actors/enricher/enrich_batch.ts";
import { message } from "../actors/runtime/protocol.ts";
import { isChunkPosition } from "./chunk_position.ts";
import { isDeadLetters, isRecord } from "./guards.ts";
import { isPackedRows } from "./packed_rows.ts";
import { isPackedChunk } from "./packed_chunk.ts";

/** Test-only enricher faults (never set in production). */
export interface EnricherFaults {
  /** Enriching the event at these coordinates throws (it becomes one `enrich_failed`). */
  readonly throwAt: EventCoordinates | null;
  /** The Worker dies, without saying on which chunk, whenever it meets this event. */
  readonly crashAt: EventCoordinates | null;
}

/** Init arguments. */
export interface EnricherArgs {
  /** A built range table to map, or null (geo columns stay empty). */
  readonly geoipTable: string | null;
  readonly userAgentCacheSize: number;
  readonly faults: EnricherFaults;
}

const isCoordinatesOrNull = (v: unknown) =>
  v === null || (isRecord(v) && typeof v.partition === "number" && typeof v.offset === "number");

/** Checks enricher init arguments. */
export const isEnricherArgs = (v: unknown): v is EnricherArgs =>
  isRecord(v) && (v.geoipTable === null || typeof v.geoipTable === "string") &&
  typeof v.userAgentCacheSize === "number" && isRecord(v.faults) &&
  isCoordinatesOrNull(v.faults.throwAt) && isCoordinatesOrNull(v.faults.crashAt);

/** Checks an enriched chunk. */
export const isEnrichedChunk = (v: unknown): v is EnrichedChunk =>
  isRecord(v) && typeof v.chunkId === "number" && typeof v.topic === "string" &&
  typeof v.partition === "number" && typeof v.epoch === "number" && typeof v.seq === "number" &&
  isChunkPosition(v.position) && isPackedRows(v.rows) && isDeadLetters(v.deadLetters);

const isUseTable = (v: unknown): v is { path: string | null } =>
  isRecord(v) && (v.path === null || typeof v.path === "string");

/** What an enricher accepts and emits. */
export const ENRICHER_PROTOCOL = {
  name: "enricher",
  accepts: {
    "enricher.enrich": message(isPackedChunk),
    /** Map this range table from now on (null: none); broadcast to every enricher on a swap. */
    "enricher.useTable": message(isUseTable),
  },
  emits: {
    "enricher.enriched": message(isEnrichedChunk),
  },
} as const;
