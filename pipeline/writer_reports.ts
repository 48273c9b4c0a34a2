/**
 * What the pipeline does with the writer's reports besides acknowledgements: a stall (a failed or
 * slow write) makes the writer stage stuck in the readiness model until the writer resumes; a
 * refused partition either heals by re-reading from the last commit (a gap: the consumer
 * restarts, at most every 10 s) or halts that partition until an operator resets it.
 */
import type { PartitionRefused, WriterResumed, WriterStalled } from "../messages/writer.ts";
import { getLogger } from "../observability/log.ts";
import type { PipelineMetrics } from "./pipeline_metrics.ts";
import type { Readiness } from "./readiness.ts";

const log = getLogger("pipeline");
/** A gap heals by re-reading from the commit: the consumer restarts at most this often for it. */
const GAP_RESTART_EVERY_MS = 10_000;

/** The readiness key of a halted partition. */
const haltKey = (topic: string, partition: number) => `halted:${topic}/${partition}`;

/** What the reports act on. */
export interface WriterReportTargets {
  readonly readiness: Readiness;
  readonly metrics: PipelineMetrics;
  /** Re-reads everything uncommitted (restarts the consumer). */
  rereadFromCommit(): void;
  /** Stops reading a partition. */
  halt(topic: string, partition: number, reason: string): Promise<void>;
}

/** Turns the writer's stall and refusal reports into readiness, metrics and consumer actions. */
export class WriterReports {
  #lastGapRestartMs = -Infinity;

  constructor(private readonly targets: WriterReportTargets) {}

  /** A batch was written: whatever stalled, the writer moves again. */
  written(): void {
    this.targets.readiness.clear("writer");
  }

  /** The writer reported a failed or slow attempt: the writer stage is stuck until it resumes. */
  stalled(report: WriterStalled): void {
    const { readiness, metrics } = this.targets;
    const first = !readiness.has("writer");
    metrics.writerStalled(report, first);
    const reason = report.retryInMs === null
      ? report.reason
      : `${report.operation} failed: ${report.reason}; retrying (attempt ${report.attempts})`;
    readiness.set("writer", "writer", reason, "retrying", report.sinceMs);
    if (first) log.error("PipelineWriterStalled", { ...report });
  }

  /** The stalled operation finished. */
  resumed(report: WriterResumed): void {
    this.targets.readiness.clear("writer");
    log.info("PipelineWriterResumed", { ...report });
  }

  /** The writer refused a partition's chunks. */
  async refused(refusal: PartitionRefused): Promise<void> {
    this.targets.metrics.refused(refusal);
    if (!refusal.halts) {
      const now = Date.now();
      if (now - this.#lastGapRestartMs < GAP_RESTART_EVERY_MS) return;
      this.#lastGapRestartMs = now;
      log.error("PipelineGapRefused", {
        ...refusal,
        hint: "the consumer re-reads from its commit",
      });
      this.targets.rereadFromCommit();
      return;
    }
    this.targets.readiness.set(
      haltKey(refusal.topic, refusal.partition),
      "writer",
      `partition ${refusal.topic}/${refusal.partition} halted: ${refusal.message}`,
      "halted",
    );
    // Sent on every refusal: halting is idempotent, and a restarted consumer must hear it again.
    await this.targets.halt(refusal.topic, refusal.partition, refusal.message);
  }
}
