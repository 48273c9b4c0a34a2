/**
 * Writes generated events to Kafka: batches keyed by device id, several sends in flight,
 * acks from all in-sync replicas, no compression, and an optional rate bound by a token bucket.
 * Reports throttled progress and returns what was acknowledged.
 */
import { Buffer } from "node:buffer";
import { CompressionTypes, type Message, Partitioners } from "kafkajs";
import { kafkaClient } from "../../actors/consumer/kafka_client.ts";
import type { KafkaSettings } from "../../messages/consumer.ts";
import { generateMessages, type GenerateOptions } from "./generate_messages.ts";
import { HOSTILE_KINDS, type HostileKind } from "./hostile.ts";
import { TokenBucket } from "../../actors/crawler/token_bucket.ts";

/** Where and what to produce. */
export interface ProduceOptions extends KafkaSettings, GenerateOptions {
  readonly topic: string;
  /** Upper bound in events per second; unbounded when absent. */
  readonly rate?: number;
  /** Called at most every `progressIntervalMs` while sending. */
  readonly onProgress?: (progress: ProduceProgress) => void;
  /** Default 1000 ms. */
  readonly progressIntervalMs?: number;
  /** Messages per send (default 1000; smaller under a low rate). */
  readonly batchSize?: number;
  /** Bytes of keys and values per send (default 768 KiB: under the broker's 1 MiB batch limit). */
  readonly maxBatchBytes?: number;
  /**
   * Sends awaiting their acknowledgement at once (default 1: the next batch is generated while
   * one is in flight, and each device's events keep their order). kafkajs has no idempotent
   * pipelining, so more than one in flight is faster but can reorder a device's events.
   */
  readonly maxInFlight?: number;
  /** Stops after the batches in flight when aborted. */
  readonly signal?: AbortSignal;
  /** Kafka CreateTime of every message, epoch ms (default: the producer's clock at send). */
  readonly timestampMs?: number;
}

/** Progress of a running produce. */
export interface ProduceProgress {
  /** Messages acknowledged by the brokers. */
  readonly sent: number;
  /** Hostile messages among them. */
  readonly hostile: number;
  readonly seconds: number;
  /** Acknowledged messages per second so far. */
  readonly rate: number;
}

/** The outcome of a produce. */
export interface ProduceSummary extends ProduceProgress {
  readonly hostileByKind: Record<HostileKind, number>;
}

function emptyKinds(): Record<HostileKind, number> {
  return Object.fromEntries(HOSTILE_KINDS.map((k) => [k, 0])) as Record<HostileKind, number>;
}

/** Produces `count` generated messages to `topic` and resolves when all are acknowledged. */
export async function produceEvents(options: ProduceOptions): Promise<ProduceSummary> {
  const { topic, rate, onProgress, signal, progressIntervalMs = 1000, maxInFlight = 1 } = options;
  const maxBatchBytes = options.maxBatchBytes ?? 768 * 1024;
  if (rate !== undefined && !(rate > 0)) throw new RangeError(`rate must be positive, got ${rate}`);
  const batchSize = Math.max(
    1,
    Math.min(options.batchSize ?? 1000, rate === undefined ? Infinity : Math.ceil(rate / 20)),
  );
  const bucket = rate === undefined ? undefined : new TokenBucket(rate, batchSize);
  const producer = kafkaClient(options, "produce").producer({
    createPartitioner: Partitioners.DefaultPartitioner,
    allowAutoTopicCreation: true,
  });
  await producer.connect();
  const started = performance.now();
  const hostileByKind = emptyKinds();
  let sent = 0;
  let hostile = 0;
  let lastProgress = started;
  let failure: { error: unknown } | undefined;
  const inFlight: Promise<void>[] = [];
  const progress = (): ProduceProgress => {
    const seconds = (performance.now() - started) / 1000;
    return { sent, hostile, seconds, rate: seconds > 0 ? sent / seconds : 0 };
  };
  const send = (messages: Message[], kinds: HostileKind[]) =>
    producer.send({ topic, messages, acks: -1, compression: CompressionTypes.None }).then(
      () => {
        sent += messages.length;
        hostile += kinds.length;
        for (const kind of kinds) hostileByKind[kind]++;
        if (onProgress && performance.now() - lastProgress >= progressIntervalMs) {
          lastProgress = performance.now();
          onProgress(progress());
        }
      },
      (error: unknown) => {
        failure ??= { error };
      },
    );
  try {
    let messages: Message[] = [];
    let kinds: HostileKind[] = [];
    let bytes = 0;
    let first = true;
    const flush = async () => {
      if (bucket) await bucket.take(messages.length);
      // Wait before sending, not after: the next batch is generated while this one is in flight.
      while (inFlight.length >= maxInFlight) await inFlight.shift();
      inFlight.push(send(messages, kinds));
      // The first send loads the topic's metadata; later sends racing it could overtake it.
      if (first) await inFlight.shift();
      first = false;
      messages = [];
      kinds = [];
      bytes = 0;
    };
    for (const m of generateMessages(options)) {
      if (failure || signal?.aborted) break;
      const size = m.value.byteLength + m.key.length;
      if (messages.length > 0 && bytes + size > maxBatchBytes) await flush();
      const value = Buffer.from(m.value.buffer, m.value.byteOffset, m.value.byteLength);
      bytes += size;
      messages.push(
        options.timestampMs === undefined
          ? { key: m.key, value }
          : { key: m.key, value, timestamp: String(options.timestampMs) },
      );
      if (m.hostile !== null) kinds.push(m.hostile);
      if (messages.length >= batchSize) await flush();
    }
    if (messages.length > 0 && !failure && !signal?.aborted) await flush();
    await Promise.all(inFlight);
  } finally {
    await Promise.all(inFlight);
    await producer.disconnect();
  }
  if (failure) {
    throw new Error(`Cannot produce to ${topic}: ${String(failure.error)}`, {
      cause: failure.error,
    });
  }
  return { ...progress(), hostileByKind };
}
