/**
 * The consumer's offset commits: batched (at most one round per interval), of whatever the
 * tracker says became committable, and retried with backoff when Kafka refuses (a rebalance under
 * way, a broker away). The commit point stays in the tracker until Kafka confirms it, so a failed
 * commit is never forgotten; failures are counted. Never throws.
 */
import { getLogger } from "../../observability/log.ts";
import { backoffMs } from "../runtime/backoff.ts";
import type { OffsetTracker } from "./offset_tracker.ts";

const log = getLogger("consumer");
/** Longest wait between retries of a failed commit. */
const MAX_COMMIT_RETRY_MS = 5_000;

/** Offsets to commit: topic, partition, next offset to read. */
export type CommitOffsets = readonly { topic: string; partition: number; offset: number }[];

/** Schedules, sends and retries commits. */
export class Committer {
  #timer: ReturnType<typeof setTimeout> | undefined;
  #chain: Promise<void> = Promise.resolve();
  /** Failed commits in a row (the retry waits double with each). */
  #failedInARow = 0;
  #closed = false;
  /** Commit requests that failed (each is retried). */
  failures = 0;

  constructor(
    private readonly tracker: OffsetTracker,
    private readonly send: (offsets: CommitOffsets) => Promise<void>,
    private readonly intervalMs: number,
  ) {}

  /** Commits what is committable within the interval (a no-op when one is scheduled already). */
  schedule(delayMs = this.intervalMs): void {
    if (this.#timer !== undefined || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#chain = this.#chain.then(async () => void await this.commitNow());
    }, delayMs);
  }

  /** Commits now; true when nothing is left to commit, false after a failure (retried later). */
  async commitNow(): Promise<boolean> {
    const offsets = this.tracker.committable();
    if (offsets.length === 0) return true;
    try {
      await this.send(offsets);
    } catch (error: unknown) {
      this.failures++;
      this.#failedInARow++;
      const retryInMs = backoffMs(
        { initialDelayMs: this.intervalMs, maxDelayMs: MAX_COMMIT_RETRY_MS },
        this.#failedInARow,
      );
      log.warn("ConsumerCommitFailed", {
        offsets,
        error,
        failures: this.failures,
        retryInMs,
        hint: "retried; until then these events are only uncommitted (re-read after a crash)",
      });
      this.schedule(retryInMs);
      return false;
    }
    this.#failedInARow = 0;
    this.tracker.committed(offsets);
    log.debug("ConsumerOffsetsCommitted", { offsets });
    return true;
  }

  /** Stops scheduling, waits for a commit under way, and makes a last attempt. */
  async close(): Promise<boolean> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#chain;
    const done = await this.commitNow();
    clearTimeout(this.#timer);
    this.#timer = undefined;
    return done;
  }
}
