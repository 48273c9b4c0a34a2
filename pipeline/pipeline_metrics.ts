/**
 * The pipeline's telemetry: events per stage, dead letters, batch write time, end-to-end latency
 * (Kafka timestamp to durable commit), consumer lag per partition, commit failures, stalls and
 * refused partitions, exports, and each actor's state from the supervision snapshot. Names follow
 * `pipeline_<thing>_<unit>_total` with low-cardinality labels.
 */
import type { ConsumerLag } from "../messages/consumer.ts";
import {
  type BatchWritten,
  LATENCY_BUCKETS_MS,
  type PartitionRefused,
  WRITE_PHASES,
  type WriterStalled,
} from "../messages/writer.ts";
import { Registry } from "../observability/metrics.ts";
import {
  type ActorSnapshot,
  actorsOf,
  type SupervisorSnapshot,
} from "../actors/runtime/snapshot.ts";
import type { StageCondition } from "./readiness.ts";

const EVENTS = "pipeline_events_total";
const EVENTS_HELP = "Events through each stage of the pipeline.";
/**
 * Whether an actor can do its work: every Worker runs, or, on demand, it runs or is idle (a Worker
 * starting for a request, or none until the next one), not restarting or failed.
 */
export function actorUp(a: ActorSnapshot): boolean {
  if (a.onDemand === true) return a.state === "running" || a.state === "idle";
  return a.running === a.members;
}

const WRITE_BUCKETS_S = [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters the pipeline keeps, and their rendering. */
export class PipelineMetrics {
  readonly registry = new Registry();
  consumed = 0;
  staged = 0;
  deadLettered = 0;
  replayed = 0;
  held = 0;
  fixed = 0;
  batches = 0;
  /** Write attempts that failed (each was retried). */
  writeFailures = 0;
  /** Stalls that began, and exports by outcome. */
  stalls = 0;
  exportsSucceeded = 0;
  exportsFailed = 0;
  /** The last export's outcome, for the status page. */
  lastExport: { readonly ok: boolean; readonly atMs: number; readonly error?: string } | undefined;
  /** Commit requests that failed in the consumer (each retried). */
  commitFailures = 0;
  /** When the last batch became durable (epoch ms), for readiness. */
  lastWriteAtMs: number | undefined;
  /** Mean end-to-end latency of the last batch, ms. */
  lastLatencyMs: number | undefined;
  /** Writer wall-clock ms by phase of its chain, summed over batches (`WRITE_PHASES`). */
  readonly writerPhaseMs: Record<string, number> = Object.fromEntries(
    WRITE_PHASES.map((phase) => [phase, 0]),
  );
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
    this.held += w.held;
    this.fixed += w.fixed;
    this.lastWriteAtMs = now;
    const rows = w.latencyCounts.reduce((a, b) => a + b, 0);
    if (rows > 0) this.lastLatencyMs = w.latencySumMs / rows;
    const r = this.registry;
    r.inc(EVENTS, EVENTS_HELP, { stage: "staged" }, w.staged);
    r.inc(EVENTS, EVENTS_HELP, { stage: "dead_lettered" }, w.deadLettered);
    r.inc(EVENTS, EVENTS_HELP, { stage: "replayed" }, w.replayed);
    r.inc(EVENTS, EVENTS_HELP, { stage: "held" }, w.held);
    r.inc("pipeline_values_fixed_total", "Values made storable (left null or cut).", {}, w.fixed);
    r.inc("pipeline_batches_total", "Write batches made durable.", {});
    WRITE_PHASES.forEach((phase, i) => {
      const ms = w.phaseMs[i] ?? 0;
      this.writerPhaseMs[phase] = (this.writerPhaseMs[phase] ?? 0) + ms;
      r.inc(
        "pipeline_writer_phase_seconds_total",
        "Writer wall-clock time by phase of its serial chain (waits included).",
        { phase },
        ms / 1000,
      );
    });
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

  /** The writer could not finish an operation (one report per failed attempt or slow one). */
  writerStalled(report: WriterStalled, first: boolean): void {
    if (first) {
      this.stalls++;
      this.registry.inc("pipeline_stalls_total", "Stalls that began, per stage.", {
        stage: "writer",
      });
    }
    if (report.retryInMs !== null) {
      this.writeFailures++;
      this.registry.inc(
        "pipeline_write_attempts_failed_total",
        "Warehouse write attempts that failed and were retried.",
        {},
      );
    }
  }

  /** The writer refused a partition's chunks. */
  refused(r: PartitionRefused): void {
    this.registry.inc(
      "pipeline_partition_refusals_total",
      "Chunks the writer refused because their log does not continue the watermark.",
      { kind: r.kind },
    );
  }

  /** An export finished (or failed). */
  exported(ok: boolean, now: number, error?: string): void {
    if (ok) this.exportsSucceeded++;
    else this.exportsFailed++;
    this.lastExport = error === undefined ? { ok, atMs: now } : { ok, atMs: now, error };
    this.registry.inc("pipeline_exports_total", "Exports, by outcome.", {
      outcome: ok ? "succeeded" : "failed",
    });
  }

  /** The stages' conditions, as gauges. */
  conditions(conditions: readonly StageCondition[], now: number): void {
    for (const c of conditions) {
      const labels = { stage: c.stage };
      this.registry.set(
        "pipeline_stage_stalled",
        "1 while the stage is stuck.",
        labels,
        c.ok ? 0 : 1,
      );
      this.registry.set(
        "pipeline_stage_stalled_seconds",
        "How long the stage has been stuck (0 when it is not).",
        labels,
        c.sinceMs === null ? 0 : Math.max(0, (now - c.sinceMs) / 1000),
      );
    }
  }

  /** Consumer lag per partition (high watermark minus the next offset to read), pauses, halts. */
  lag(lag: ConsumerLag): void {
    const { partitions, paused } = lag;
    this.commitFailures = lag.commitFailures;
    this.registry.setTotal(
      "pipeline_consumer_commit_failures_total",
      "Offset commits that failed and were retried.",
      {},
      lag.commitFailures,
    );
    this.registry.set(
      "pipeline_consumer_partitions_halted",
      "Partitions this process stopped reading because the writer refused their log.",
      {},
      lag.halted.length,
    );
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
        "1 when every Worker of the actor runs (an on-demand actor: when it is running or idle, " +
          "its Workers started for requests only).",
        labels,
        actorUp(a) ? 1 : 0,
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
