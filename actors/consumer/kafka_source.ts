/**
 * The Kafka side of the consumer actor: a kafkajs consumer group that hands messages downstream
 * in per-partition chunks, waits while downstream is full (heartbeating so the group keeps it),
 * and commits a partition only up to the last chunk the writer acknowledged as durable.
 */
import type { Consumer, Kafka, KafkaMessage } from "kafkajs";
import { getLogger } from "../../observability/log.ts";
import { OffsetTracker } from "./offset_tracker.ts";

const log = getLogger("consumer");

/** One Kafka message as it travels downstream. */
export interface SourceRecord {
  readonly offset: number;
  readonly timestampMs: number;
  readonly key: string | null;
  readonly value: Uint8Array;
}

/** A contiguous run of one partition's messages. */
export interface SourceChunk {
  readonly chunkId: number;
  readonly topic: string;
  readonly partition: number;
  /** Group generation the chunk was read in; `seq` restarts at 0 with each. */
  readonly epoch: number;
  readonly seq: number;
  readonly records: SourceRecord[];
}

/** Where chunks go: `send` resolves when downstream accepted the chunk (it waits when full). */
export interface ChunkSink {
  send(chunk: SourceChunk): Promise<void>;
}

/** Consumer settings. */
export interface SourceOptions {
  readonly topic: string;
  readonly group: string;
  readonly startOffset: "earliest" | "latest";
  /** Most messages per chunk. */
  readonly chunkSize: number;
  /** Commits are batched: at most one commit round per this interval. */
  readonly commitIntervalMs: number;
  /** How often to heartbeat while waiting for downstream. */
  readonly heartbeatMs: number;
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
  /** Observes pauses and resumes (tests, metrics). */
  readonly onPause?: (partition: number, paused: boolean) => void;
}

const NO_VALUE = new Uint8Array(0);

/** A running consumer group member. */
export class KafkaSource {
  readonly #consumer: Consumer;
  readonly #options: SourceOptions;
  readonly #sink: ChunkSink;
  readonly #tracker: OffsetTracker;
  readonly #seq = new Map<number, number>();
  #epoch: number;
  #handing = 0;
  #handed: PromiseWithResolvers<void> | undefined;
  #commitTimer: ReturnType<typeof setTimeout> | undefined;
  #committing: Promise<void> = Promise.resolve();
  #stopping = false;
  /** Highest offset seen per partition (for lag) and the partition's high watermark. */
  readonly lag = new Map<number, { seen: number; high: number }>();
  /** Messages handed downstream so far. */
  delivered = 0;
  /** Partitions paused now because downstream is full, and how many pauses there were. */
  readonly paused = new Set<number>();
  pauses = 0;

  constructor(kafka: Kafka, options: SourceOptions, sink: ChunkSink) {
    this.#tracker = new OffsetTracker(options.idBase ?? 1);
    this.#epoch = options.epochBase ?? 0;
    this.#consumer = kafka.consumer({
      groupId: options.group,
      allowAutoTopicCreation: false,
      // Bounds how long a stop waits for an idle fetch to return.
      maxWaitTimeInMs: 500,
      // A member that died (SIGKILL, crashed Worker) gives its partitions up after 10 s, not 30.
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
    });
    this.#options = options;
    this.#sink = sink;
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      // A new generation refetches from the committed offsets: chunks of the old one may still
      // be written (the writer's watermark absorbs the overlap) but no longer move commits.
      this.#epoch++;
      for (const partition of this.#seq.keys()) this.#tracker.forget(options.topic, partition);
      this.#seq.clear();
      log.info("ConsumerGroupJoined", {
        epoch: this.#epoch,
        assignment: event.payload.memberAssignment,
      });
    });
  }

  /** Connects, subscribes and starts consuming. */
  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({
      topics: [this.#options.topic],
      fromBeginning: this.#options.startOffset === "earliest",
    });
    await this.#consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: 3,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
        const high = Number(batch.highWatermark);
        const messages = batch.messages;
        // A batch fetched before a rebalance must not hand anything over after it.
        const epoch = this.#epoch;
        const current = () => isRunning() && !isStale() && epoch === this.#epoch && !this.#stopping;
        for (let at = 0; at < messages.length && current();) {
          const slice = messages.slice(at, at + this.#options.chunkSize);
          at += slice.length;
          const last = slice[slice.length - 1];
          if (last === undefined) break;
          await this.#handOver(batch.topic, batch.partition, epoch, slice, heartbeat);
          resolveOffset(last.offset);
          this.lag.set(batch.partition, { seen: Number(last.offset), high });
        }
      },
    });
  }

  async #handOver(
    topic: string,
    partition: number,
    epoch: number,
    slice: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const records = slice.map((m): SourceRecord => ({
      offset: Number(m.offset),
      timestampMs: Number(m.timestamp),
      key: m.key === null ? null : m.key.toString("utf8"),
      value: m.value === null
        ? NO_VALUE
        : new Uint8Array(m.value.buffer, m.value.byteOffset, m.value.byteLength),
    }));
    const first = records[0];
    const last = records[records.length - 1];
    if (first === undefined || last === undefined) return;
    const ref = this.#tracker.track(topic, partition, first.offset, last.offset);
    const seq = this.#seq.get(partition) ?? 0;
    this.#seq.set(partition, seq + 1);
    const chunk: SourceChunk = {
      chunkId: ref.id,
      topic,
      partition,
      epoch,
      seq,
      records,
    };
    const beat = setInterval(() => {
      heartbeat().catch((error: unknown) => log.warn("ConsumerHeartbeatFailed", { error }));
    }, this.#options.heartbeatMs);
    this.#handing++;
    let paused = false;
    const pause = setTimeout(() => {
      paused = true;
      this.paused.add(partition);
      this.pauses++;
      this.#consumer.pause([{ topic, partitions: [partition] }]);
      this.#options.onPause?.(partition, true);
    }, this.#options.pauseAfterMs ?? 100);
    try {
      await this.#sink.send(chunk);
    } finally {
      clearInterval(beat);
      clearTimeout(pause);
      if (paused) {
        this.paused.delete(partition);
        // While stopping, the whole topic stays paused.
        if (!this.#stopping) this.#consumer.resume([{ topic, partitions: [partition] }]);
        this.#options.onPause?.(partition, false);
      }
      if (--this.#handing === 0) this.#handed?.resolve();
    }
    this.delivered += records.length;
  }

  /** Marks chunks durable and schedules a commit of whatever became committable. */
  ack(chunkIds: readonly number[]): void {
    for (const id of chunkIds) this.#tracker.ack(id);
    if (this.#commitTimer !== undefined) return;
    this.#commitTimer = setTimeout(() => {
      this.#commitTimer = undefined;
      this.#committing = this.#committing.then(() => this.commitNow());
    }, this.#options.commitIntervalMs);
  }

  /** Commits every partition whose commit point moved. */
  async commitNow(): Promise<void> {
    const offsets = this.#tracker.takeCommittable();
    if (offsets.length === 0) return;
    await this.#consumer.commitOffsets(
      offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
    );
    log.debug("ConsumerOffsetsCommitted", { offsets });
  }

  /** Stops handing chunks downstream; resolves once no hand-over is under way. */
  async pause(): Promise<void> {
    this.#stopping = true;
    this.#consumer.pause([{ topic: this.#options.topic }]);
    while (this.#handing > 0) {
      this.#handed = Promise.withResolvers();
      await this.#handed.promise;
    }
  }

  /** Chunks handed downstream and not yet acknowledged. */
  pending(): number {
    return this.#tracker.pending();
  }

  /**
   * Stops fetching, waits up to `deadlineMs` for acknowledgements of what is in flight (call
   * `ack` meanwhile), commits, and leaves the group. Commits happen while the member is still
   * running: kafkajs silently drops commits made after `consumer.stop()`.
   */
  async stop(drained: () => Promise<void>, deadlineMs: number): Promise<void> {
    this.#stopping = true;
    this.#consumer.pause([{ topic: this.#options.topic }]);
    const timeout = Promise.withResolvers<"timeout">();
    const timer = setTimeout(() => timeout.resolve("timeout"), deadlineMs);
    const outcome = await Promise.race([drained().then(() => "drained" as const), timeout.promise]);
    clearTimeout(timer);
    if (outcome === "timeout") {
      log.warn("ConsumerDrainTimedOut", { pendingChunks: this.pending(), deadlineMs });
    }
    if (this.#commitTimer !== undefined) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    await this.#committing;
    await this.commitNow();
    await this.#consumer.stop();
    await this.#consumer.disconnect();
  }
}
