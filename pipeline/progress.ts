/**
 * Readiness judged by progress, never by Kafka timestamps (a record stamped 1970, or an old
 * backlog catching up, says nothing about whether the pipeline moves). Events wait when the
 * consumer lags behind the log or a data-path stage holds work; the pipeline progresses while a
 * batch becomes durable or the lag shrinks. Waiting without progress for `stallAfterMs` is a
 * problem of the stage where the work waits (the most downstream one holding some), or of the
 * consumer when all of it is still in Kafka.
 */
import type { ConsumerLag } from "../messages/consumer.ts";
import { actorsOf, type SupervisorSnapshot } from "../actors/runtime/snapshot.ts";

/** The data path's stages that hold events, most downstream first. */
const HOLDERS = ["writer", "batcher", "enricher"] as const;

/** A stage that stopped making progress, and since when. */
export interface NoProgress {
  readonly stage: string;
  readonly reason: string;
  readonly sinceMs: number;
}

/** Messages not yet read of the partitions this member still reads (halted ones left out). */
export function unreadMessages(lag: ConsumerLag): number {
  const halted = new Set(lag.halted.map((h) => h.partition));
  return lag.partitions.filter((p) => !halted.has(p.partition))
    .reduce((sum, p) => sum + Math.max(0, p.high - p.seen - 1), 0);
}

/** Watches for events that wait while nothing moves. */
export class Progress {
  readonly #stallAfterMs: number;
  /** When the pipeline last progressed, or last had nothing waiting. */
  #lastMs: number;
  #unread = 0;
  #exports = 0;

  /** `stallAfterMs` 0 turns the rule off. */
  constructor(stallAfterMs: number, now = Date.now()) {
    this.#stallAfterMs = stallAfterMs;
    this.#lastMs = now;
  }

  /** A batch became durable. */
  written(now = Date.now()): void {
    this.#lastMs = now;
  }

  /** The consumer reported its lag; a smaller lag than the last report is progress. */
  lag(lag: ConsumerLag, now = Date.now()): void {
    const unread = unreadMessages(lag);
    if (unread < this.#unread) this.#lastMs = now;
    this.#unread = unread;
  }

  /**
   * An export holds the writer (batches wait meanwhile): it counts as progress while it runs,
   * and the clock starts again when it ends.
   */
  exporting(running: boolean, now = Date.now()): void {
    this.#exports += running ? 1 : -1;
    this.#lastMs = now;
  }

  /** Looks at `tree` at `now`: the stage that stopped progressing, or undefined. */
  check(tree: SupervisorSnapshot, now = Date.now()): NoProgress | undefined {
    const depth = new Map(actorsOf(tree).map((a) => [a.name, a.mailboxDepth]));
    const holder = HOLDERS.find((name) => (depth.get(name) ?? 0) > 0);
    if ((holder === undefined && this.#unread === 0) || this.#exports > 0) {
      this.#lastMs = now;
      return undefined;
    }
    if (this.#stallAfterMs <= 0 || now - this.#lastMs < this.#stallAfterMs) return undefined;
    // The lag is as of the consumer's last fetch: a paused consumer does not see it grow.
    return {
      stage: holder ?? "consumer",
      reason: holder === undefined
        ? `no progress: ${this.#unread} messages unread at the last fetch, none read since ` +
          "and no batch written"
        : `no progress: ${depth.get(holder)} messages wait in its mailbox; no batch was written ` +
          "and the consumer lag did not shrink",
      sinceMs: this.#lastMs,
    };
  }
}
