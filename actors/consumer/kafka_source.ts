/**
 * The Kafka side of the consumer actor: a kafkajs consumer group that hands messages downstream
 * in per-partition chunks, each with its place in the log (`ChunkPosition`), waits while
 * downstream is full (heartbeating so the group keeps it), and commits a partition only up to
 * the last chunk the writer acknowledged as durable. A failed commit is counted and retried; the
 * commit point stays until Kafka confirms it. A partition can be halted (the writer refused its
 * log): it is not read again by this member.
 */
import type { Admin, Consumer, Kafka, KafkaMessage } from "kafkajs";
import type { ChunkPosition } from "../../messages/chunk_position.ts";
import type { SourceSettings } from "../../messages/consumer.ts";
import { getLogger } from "../../observability/log.ts";
import { ChunkPositions } from "./chunk_positions.ts";
import { Committer } from "./committer.ts";
import { OffsetTracker } from "./offset_tracker.ts";
import { TopicIdentity } from "./topic_identity.ts";

const log = getLogger("consumer");

/**
 * One Kafka message as it travels downstream. Its key is not carried: nothing downstream reads
 * it (events are staged from their value), and decoding it cost a string per message.
 */
export interface SourceRecord {
  readonly offset: number;
  readonly timestampMs: number;
  /** kafkajs's own view of its fetch buffer (a `Buffer`), not copied here. */
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
  /** Where the chunk sits in its partition's log. */
  readonly position: ChunkPosition;
  readonly records: SourceRecord[];
}

/** Where chunks go: `send` resolves when downstream accepted the chunk (it waits when full). */
export interface ChunkSink {
  send(chunk: SourceChunk): Promise<void>;
}

/** Consumer settings and the callbacks of its owner. */
export interface SourceOptions extends SourceSettings {
  /** Observes pauses and resumes (tests, metrics). */
  readonly onPause?: (partition: number, paused: boolean) => void;
  /** Looks the topic's id up (null: the brokers do not know ids); default: unknown. */
  readonly topicId?: () => Promise<string | null>;
  /** Test-only: called before each commit request; a throw fails that commit. */
  readonly beforeCommit?: () => void;
  /** Called when kafkajs gave up for good (the member no longer consumes). */
  readonly onFatal?: (error: Error) => void;
}

const NO_VALUE = new Uint8Array(0);

/** A running consumer group member. */
export class KafkaSource {
  readonly #consumer: Consumer;
  readonly #options: SourceOptions;
  readonly #sink: ChunkSink;
  readonly #tracker: OffsetTracker;
  readonly #seq = new Map<number, number>();
  readonly #positions = new ChunkPositions();
  readonly #identity: TopicIdentity;
  readonly #admin: Admin;
  /** Committed offsets when the current generation began, for the first chunk's position. */
  #committedAtJoin: Promise<Map<number, number>> = Promise.resolve(new Map());
  #epoch: number;
  #handing = 0;
  #handed: PromiseWithResolvers<void> | undefined;
  readonly #committer: Committer;
  #stopping = false;
  /** Partitions this member no longer reads (the writer refused their log), with the reason. */
  readonly halted = new Map<number, string>();
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
      ...(options.fetchMaxBytes === undefined ? {} : { maxBytes: options.fetchMaxBytes }),
      ...(options.fetchMaxBytesPerPartition === undefined
        ? {}
        : { maxBytesPerPartition: options.fetchMaxBytesPerPartition }),
      // A member that died (SIGKILL, crashed Worker) gives its partitions up after 10 s, not 30.
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
    });
    this.#options = options;
    this.#sink = sink;
    this.#admin = kafka.admin();
    this.#committer = new Committer(this.#tracker, async (offsets) => {
      options.beforeCommit?.();
      await this.#consumer.commitOffsets(
        offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
      );
    }, options.commitIntervalMs);
    this.#identity = new TopicIdentity(
      options.topicId ?? (() => Promise.resolve(null)),
      options.topic,
    );
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (event) => {
      // A new generation refetches from the committed offsets: chunks of the old one may still
      // be written (the writer's watermark absorbs the overlap) but no longer move commits.
      this.#epoch++;
      for (const partition of this.#seq.keys()) this.#tracker.forget(options.topic, partition);
      this.#seq.clear();
      // Partitions may have moved to another member: their lag is no longer this member's.
      this.lag.clear();
      this.#committedAtJoin = this.#committedOffsets();
      void this.#identity.refresh();
      log.info("ConsumerGroupJoined", {
        epoch: this.#epoch,
        assignment: event.payload.memberAssignment,
      });
    });
    this.#consumer.on(this.#consumer.events.START_BATCH_PROCESS, ({ payload }) => {
      // A fetch of nothing but a transaction marker (or aborted records) never reaches eachBatch;
      // its end is read here, or the marker's offset would show as lag for good.
      if (payload.batchSize > 0) return;
      this.lag.set(payload.partition, {
        seen: Number(payload.lastOffset),
        high: Number(payload.highWatermark),
      });
    });
    this.#consumer.on(this.#consumer.events.CRASH, (event) => {
      const { error, restart } = event.payload;
      log.error("ConsumerCrashed", { error, restartedByKafkajs: restart });
      if (!restart) options.onFatal?.(error);
    });
  }

  /** The group's committed offsets of the topic (partition -> offset, -1: none); empty on error. */
  async #committedOffsets(): Promise<Map<number, number>> {
    try {
      const [found] = await this.#admin.fetchOffsets({
        groupId: this.#options.group,
        topics: [this.#options.topic],
      });
      return new Map((found?.partitions ?? []).map((p) => [p.partition, Number(p.offset)]));
    } catch (error: unknown) {
      log.warn("ConsumerCommittedOffsetsUnknown", {
        error,
        hint: "the first chunks of this assignment carry no preceding offset",
      });
      return new Map();
    }
  }

  /** Connects, subscribes and starts consuming. */
  async start(): Promise<void> {
    await this.#admin.connect();
    await this.#identity.refresh();
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
        const current = () =>
          isRunning() && !isStale() && epoch === this.#epoch && !this.#stopping &&
          !this.halted.has(batch.partition);
        const committed = await this.#committedAtJoin;
        if (epoch !== this.#epoch) return;
        if (this.#positions.generation !== epoch) this.#positions.reset(epoch, committed);
        for (let at = 0; at < messages.length && current();) {
          const slice = messages.slice(at, at + this.#options.chunkSize);
          at += slice.length;
          const last = slice[slice.length - 1];
          if (last === undefined) break;
          await this.#handOver(batch.topic, batch.partition, epoch, high, slice, heartbeat);
          resolveOffset(last.offset);
          // After the batch's last record kafkajs also resolves a transaction marker behind it.
          const seen = at >= messages.length ? batch.lastOffset() : last.offset;
          this.lag.set(batch.partition, { seen: Number(seen), high });
        }
      },
    });
  }

  async #handOver(
    topic: string,
    partition: number,
    epoch: number,
    logEnd: number,
    slice: KafkaMessage[],
    heartbeat: () => Promise<void>,
  ): Promise<void> {
    const records = slice.map((m): SourceRecord => ({
      offset: Number(m.offset),
      timestampMs: Number(m.timestamp),
      value: m.value ?? NO_VALUE,
    }));
    const first = records[0];
    const last = records[records.length - 1];
    if (first === undefined || last === undefined) return;
    if (this.#positions.movesBack(partition, first.offset)) {
      // The broker reset the position below what was committed: ask who the topic is now.
      log.warn("ConsumerPositionMovedBack", { topic, partition, offset: first.offset });
      await this.#identity.refresh();
    }
    const position = this.#positions.next(
      partition,
      first.offset,
      last.offset,
      logEnd,
      this.#identity.current,
    );
    const ref = this.#tracker.track(topic, partition, first.offset, last.offset);
    const seq = this.#seq.get(partition) ?? 0;
    this.#seq.set(partition, seq + 1);
    const chunk: SourceChunk = {
      chunkId: ref.id,
      topic,
      partition,
      epoch,
      seq,
      position,
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
        // While stopping, the whole topic stays paused; a halted partition stays paused too.
        if (!this.#stopping && !this.halted.has(partition)) {
          this.#consumer.resume([{ topic, partitions: [partition] }]);
        }
        this.#options.onPause?.(partition, false);
      }
      if (--this.#handing === 0) this.#handed?.resolve();
    }
    this.delivered += records.length;
  }

  /** Marks chunks durable and schedules a commit of whatever became committable. */
  ack(chunkIds: readonly number[]): void {
    for (const id of chunkIds) this.#tracker.ack(id);
    if (!this.#stopping) this.#committer.schedule();
  }

  /** Commits what is committable now (never throws; false: a failure, retried later). */
  commitNow(): Promise<boolean> {
    return this.#committer.commitNow();
  }

  /** Commit requests that failed so far (each was retried). */
  get commitFailures(): number {
    return this.#committer.failures;
  }

  /**
   * Stops reading `partition` for the life of this member: the writer refused its log (another
   * topic under the same name, or offsets it never stored). Nothing more of it is handed over or
   * committed; an operator resets the partition (see the README) and restarts the pipeline.
   */
  halt(partition: number, reason: string): void {
    if (this.halted.has(partition)) return;
    this.halted.set(partition, reason);
    this.#consumer.pause([{ topic: this.#options.topic, partitions: [partition] }]);
    log.error("ConsumerPartitionHalted", { topic: this.#options.topic, partition, reason });
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
    if (!await this.#committer.close()) {
      log.warn("ConsumerFinalCommitFailed", { hint: "uncommitted events are re-read at start" });
    }
    await this.#consumer.stop();
    await this.#consumer.disconnect();
    await this.#admin.disconnect();
  }
}
