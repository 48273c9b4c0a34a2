/**
 * Protocol of the enricher pool: a packed chunk in, the chunk's staged rows and dead letters
 * out, with the chunk's identity so the batcher keeps partition order and the consumer can
 * commit it.
 */
import { isRecord } from "../actors/runtime/guards.ts";
import { message } from "../actors/runtime/protocol.ts";
import { type ChunkPosition, isChunkPosition } from "./chunk_position.ts";
import { isPackedChunk } from "./packed_chunk.ts";
import { isPackedRows, type PackedRows } from "./packed_rows.ts";
import { type DeadLetter, isDeadLetters } from "./staging_columns.ts";

/** Kafka coordinates of one message within a topic (which chunk's topic is implied). */
export interface EventCoordinates {
  readonly partition: number;
  readonly offset: number;
}

/** A chunk of one partition's messages after enrichment. */
export interface EnrichedChunk {
  /** Tracker id the writer's acknowledgement names. */
  readonly chunkId: number;
  readonly topic: string;
  readonly partition: number;
  /** Consumer assignment the chunk belongs to; sequence numbers restart with each epoch. */
  readonly epoch: number;
  /** Position of the chunk in its partition and epoch: 0, 1, 2, ... */
  readonly seq: number;
  /** Where the chunk sits in its partition's log (the writer checks it). */
  readonly position: ChunkPosition;
  /** Staged rows, packed once by the enricher and unpacked once by the writer. */
  readonly rows: PackedRows;
  readonly deadLetters: readonly DeadLetter[];
}

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
