/**
 * Protocol of the consumer actor (a kafkajs group member in its own Worker). It emits each chunk
 * of a partition's messages as a packed chunk, and commits only what `consumer.ack` names as
 * durable. The pipeline asks it to pause (no more chunks), to commit, for lag, and to halt a
 * partition the writer refused.
 */
import { message, request } from "../actors/runtime/protocol.ts";
import { isEmpty, isNumberArray, isRecord } from "../actors/runtime/guards.ts";
import { isPackedChunk } from "./packed_chunk.ts";

/** How to reach the brokers: the Kafka slice of the configuration. */
export interface KafkaSettings {
  readonly brokers: readonly string[];
  readonly sasl: KafkaSasl | undefined;
  readonly ssl: boolean;
  /** PEM file of the CAs to trust over TLS; undefined: the runtime's roots. */
  readonly sslCaFile?: string | undefined;
}

/** SASL credentials for the brokers. */
export interface KafkaSasl {
  readonly mechanism: "plain" | "scram-sha-256" | "scram-sha-512";
  readonly username: string;
  readonly password: string;
}

/** The consumer group member's settings, plain data. */
export interface SourceSettings {
  readonly topic: string;
  readonly group: string;
  readonly startOffset: "earliest" | "latest";
  /** Most messages per chunk. */
  readonly chunkSize: number;
  /** Commits are batched: at most one commit round per this interval. */
  readonly commitIntervalMs: number;
  /** How often to heartbeat while waiting for downstream. */
  readonly heartbeatMs: number;
  /** kafkajs `maxBytes` of a fetch (default its 10 MB): bounds what one fetch holds in memory. */
  readonly fetchMaxBytes?: number;
  /** kafkajs `maxBytesPerPartition` (default its 1 MiB). */
  readonly fetchMaxBytesPerPartition?: number;
  /**
   * First chunk id and first epoch (default 1 and 0). A restarted consumer passes higher ones,
   * so its chunks never share an id or an epoch with chunks of its previous incarnation.
   */
  readonly idBase?: number;
  readonly epochBase?: number;
  /**
   * A hand-over downstream has not accepted within this many ms pauses its partition's fetching
   * until it is accepted (default 100): a full pipeline stops reading instead of buffering.
   */
  readonly pauseAfterMs?: number;
}

/** Test-only consumer faults (never set in production). */
export interface ConsumerFaults {
  /** Fail every Nth commit request before it is sent (0: never). */
  readonly failEveryNthCommit: number;
}

/** Init arguments: connection and consumer settings (plain data only). */
export interface ConsumerArgs {
  readonly kafka: KafkaSettings;
  readonly source: SourceSettings;
  readonly clientId: string;
  readonly faults: ConsumerFaults;
}

/** A partition this member stopped reading, and why. */
export interface HaltedPartition {
  readonly partition: number;
  readonly reason: string;
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
  typeof v.source.topic === "string" && typeof v.source.chunkSize === "number" &&
  isRecord(v.faults) && typeof v.faults.failEveryNthCommit === "number";

const isAck = (v: unknown): v is { chunkIds: number[] } => isRecord(v) && isNumberArray(v.chunkIds);
const isPaused = (v: unknown): v is { pendingChunks: number } =>
  isRecord(v) && typeof v.pendingChunks === "number";
const isCommitted = (v: unknown): v is { pendingChunks: number } => isPaused(v);
/** What `consumer.lag` answers. */
export interface ConsumerLag {
  readonly partitions: PartitionLag[];
  readonly delivered: number;
  readonly paused: number[];
  readonly halted: HaltedPartition[];
  /** Commit requests that failed so far (each was retried). */
  readonly commitFailures: number;
}

const isLag = (v: unknown): v is ConsumerLag =>
  isRecord(v) && Array.isArray(v.partitions) && typeof v.delivered === "number" &&
  isNumberArray(v.paused) && Array.isArray(v.halted) && typeof v.commitFailures === "number";
const isHalt = (v: unknown): v is { topic: string; partition: number; reason: string } =>
  isRecord(v) && typeof v.topic === "string" && typeof v.partition === "number" &&
  typeof v.reason === "string";

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
    /** Stop reading a partition whose log the writer refused (see `KafkaSource.halt`). */
    "consumer.haltPartition": message(isHalt),
  },
  emits: {
    "consumer.chunkRead": message(isPackedChunk),
  },
} as const;
