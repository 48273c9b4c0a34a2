/**
 * Protocol of the consumer actor (a kafkajs group member in its own Worker). It emits each chunk
 * of a partition's messages as a packed chunk, and commits only what `consumer.ack` names as
 * durable. The pipeline asks it to pause (no more chunks), to commit, and for lag.
 */
import type { SourceOptions } from "../actors/consumer/kafka_source.ts";
import type { KafkaSettings } from "../actors/consumer/kafka_client.ts";
import { message, request } from "../actors/runtime/protocol.ts";
import { isEmpty, isNumberArray, isRecord } from "./guards.ts";
import { isPackedChunk } from "./packed_chunk.ts";

/** Init arguments: connection and consumer settings. */
export interface ConsumerArgs {
  readonly kafka: KafkaSettings;
  readonly source: SourceOptions;
  readonly clientId: string;
}

/** Lag of one partition: last offset handed downstream and the high watermark. */
export interface PartitionLag {
  readonly partition: number;
  readonly seen: number;
  readonly high: number;
}

/** Checks consumer init arguments. */
export const isConsumerArgs = (v: unknown): v is ConsumerArgs =>
  isRecord(v) && isRecord(v.kafka) && isRecord(v.source) && typeof v.clientId === "string" &&
  typeof v.source.topic === "string" && typeof v.source.chunkSize === "number";

const isAck = (v: unknown): v is { chunkIds: number[] } => isRecord(v) && isNumberArray(v.chunkIds);
const isPaused = (v: unknown): v is { pendingChunks: number } =>
  isRecord(v) && typeof v.pendingChunks === "number";
const isCommitted = (v: unknown): v is { pendingChunks: number } => isPaused(v);
const isLag = (
  v: unknown,
): v is { partitions: PartitionLag[]; delivered: number; paused: number[] } =>
  isRecord(v) && Array.isArray(v.partitions) && typeof v.delivered === "number" &&
  isNumberArray(v.paused);

/** What the consumer accepts and emits. */
export const CONSUMER_PROTOCOL = {
  name: "consumer",
  accepts: {
    /** Chunks the writer made durable: their offsets may be committed. */
    "consumer.ack": message(isAck),
    /** Stop handing out chunks (shutdown); replies with the chunks still unacknowledged. */
    "consumer.pause": request(isEmpty, isPaused),
    /** Commit what is committable now. */
    "consumer.commit": request(isEmpty, isCommitted),
    "consumer.lag": request(isEmpty, isLag),
  },
  emits: {
    "consumer.chunkRead": message(isPackedChunk),
  },
} as const;
