/**
 * The pipeline's telemetry: events per stage, dead letters, batch write time, end-to-end latency
 * (Kafka timestamp to durable commit), consumer lag per partition, and each actor's state from
 * the supervision snapshot. Names follow `pipeline_<thing>_<unit>_total` with low-cardinality
 * labels.
 */
import type { PartitionLag } from "../../messages/consumer.ts";
import { type BatchWritten, LATENCY_BUCKETS_MS } from "../../messages/writer.ts";
import { Registry } from "../../observability/metrics.ts";
import { actorsOf, type SupervisorSnapshot } from "../runtime/snapshot.ts";

const EVENTS = "pipeline_events_total";
const EVENTS_HELP = "Events through each stage of the pipeline.";
const WRITE_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters the pipeline keeps, and their rendering. */
export class PipelineMetrics {
  readonly registry = new Registry();
  consumed = 0;
  staged = 0;
  deadLettered = 0;
  replayed = 0;
  batches = 0;
  /** When the last batch became durable (epoch ms), for readiness. */
  lastWriteAtMs: number | undefined;
  /** Mean end-to-end latency of the last batch, ms. */
  lastLatencyMs: number | undefined;
  /** Dead letters per reason code (enricher rejections and poison chunks), for /status. */
  readonly deadLettersByCode: Record<string, number> = {};
  /** Per partition: messages not yet read and whether fetching is paused (last report). */
  readonly partitions = new Map<number, { lag: number; paused: boolean }>();

  /** A chunk of `count` messages left the consumer. */
  chunkRead(count: number): void {
    this.consumed += count;
    this.registry.inc(EVENTS, EVENTS_HELP, { stage: "consumed" }, count);
  }

  /** An enricher finished a chunk. */
  enriched(rows: number, deadLetters: number): void {
    this.registry.inc(EVENTS, EVENTS_HELP, { stage: "enriched" }, rows);
    this.registry.inc(EVENTS, EVENTS_HELP, { stage: "rejected" }, deadLetters);
  }

  /** Dead letters left the enrichers (or a poison chunk); counted by their reason code. */
  deadLetters(letters: readonly { readonly code: string }[]): void {
    for (const { code } of letters) {
      this.deadLettersByCode[code] = (this.deadLettersByCode[code] ?? 0) + 1;
      this.registry.inc("pipeline_dead_letters_total", "Dead letters by reason code.", { code });
    }
  }

  /** A batch became durable. */
  batchWritten(w: BatchWritten, now: number): void {
    this.batches++;
    this.staged += w.staged;
    this.deadLettered += w.deadLettered;
    this.replayed += w.replayed;
    this.lastWriteAtMs = now;
    const rows = w.latencyCounts.reduce((a, b) => a + b, 0);
    if (rows > 0) this.lastLatencyMs = w.latencySumMs / rows;
    const r = this.registry;
    r.inc(EVENTS, EVENTS_HELP, { stage: "staged" }, w.staged);
    r.inc(EVENTS, EVENTS_HELP, { stage: "dead_lettered" }, w.deadLettered);
    r.inc(EVENTS, EVENTS_HELP, { stage: "replayed" }, w.replayed);
    r.inc("pipeline_batches_total", "Write batches made durable.", {});
    r.inc("pipeline_write_retries_total", "Extra attempts batches needed.", {}, w.attempts - 1);
    r.observe(
      "pipeline_batch_write_seconds",
      "Time to write one batch durably.",
      WRITE_BUCKETS_S,
      {},
      w.writeMs / 1000,
    );
    r.observeMany(
      "pipeline_end_to_end_latency_seconds",
      "Kafka message timestamp to durable commit in the warehouse, per event.",
      LATENCY_BUCKETS_MS.map((ms) => ms / 1000),
      {},
      w.latencyCounts,
      w.latencySumMs / 1000,
    );
  }

  /** Consumer lag per partition (high watermark minus the next offset to read), and pauses. */
  lag(partitions: readonly PartitionLag[], paused: readonly number[] = []): void {
    for (const p of partitions) {
      this.partitions.set(p.partition, {
        lag: Math.max(0, p.high - p.seen - 1),
        paused: paused.includes(p.partition),
      });
      this.registry.set(
        "pipeline_consumer_lag_messages",
        "Messages in the partition not yet read by this process.",
        { partition: String(p.partition) },
        Math.max(0, p.high - p.seen - 1),
      );
      this.registry.set(
        "pipeline_consumer_partition_paused",
        "1 while the partition's fetching is paused because the pipeline is full.",
        { partition: String(p.partition) },
        paused.includes(p.partition) ? 1 : 0,
      );
    }
  }

  /** Renders the registry plus the actors' state from `tree`. */
  render(tree: SupervisorSnapshot): string {
    const r = this.registry;
    for (const a of actorsOf(tree)) {
      const labels = { actor: a.name };
      r.set(
        "pipeline_actor_up",
        "1 when every Worker of the actor runs.",
        labels,
        a.running === a.members ? 1 : 0,
      );
      r.set(
        "pipeline_actor_mailbox_depth",
        "Messages accepted and unfinished.",
        labels,
        a.mailboxDepth,
      );
      r.set("pipeline_actor_mailbox_capacity", "Mailbox bound.", labels, a.mailboxCapacity);
      r.setTotal("pipeline_actor_restarts_total", "Worker restarts.", labels, a.restarts);
      r.setTotal("pipeline_actor_messages_total", "Messages processed.", labels, a.processed);
      r.setTotal("pipeline_actor_dead_letters_total", "Poison messages.", labels, a.deadLetters);
    }
    return r.render();
  }
}
