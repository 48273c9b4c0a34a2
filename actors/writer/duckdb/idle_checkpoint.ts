/**
 * Checkpoints DuckDB's WAL in the writer's idle time, so that a COMMIT seldom carries one.
 *
 * DuckDB checkpoints by itself inside the COMMIT that leaves the WAL past `checkpoint_threshold`:
 * that commit, and every batch queued behind it, waits the whole checkpoint (about 6–7 ms per MB
 * of WAL on the 2-core machine, 1.7 s at 256 MB). A CHECKPOINT on a second connection does not
 * run beside the appends either: in DuckDB 1.5.5 every write on the other connection (a
 * statement, or an appender's flush, which blocks the calling thread) waits until it ends, only a
 * COMMIT of rows already written goes through, and it fails outright while the writer's
 * transaction has updated a row (a watermark). So the checkpoint is no less work anywhere; what
 * can change is when it runs. This one runs on the warehouse's own queue when it has had nothing
 * to do for `idleMs` and the WAL holds at least `walBytes`: under a steady stream the WAL stays
 * near `walBytes` and commits carry no checkpoint; under a backlog (never idle) DuckDB's own
 * threshold stays the bound. A failed checkpoint loses nothing (the rows are committed in the
 * WAL): it is logged and tried again at the next idle moment (one that fails half-way makes DuckDB
 * invalidate the file, and the writer's next batch reopens it: `writer_behaviour.ts`).
 */

import { getLogger } from "../../../observability/log.ts";

const log = getLogger("writer");

/** When to checkpoint. */
export interface IdleCheckpointPolicy {
  /** Quiet time after the last operation before a checkpoint may start. */
  readonly idleMs: number;
  /** WAL size below which an idle moment is left alone (a checkpoint has a fixed cost). */
  readonly walBytes: number;
}

/**
 * The policy the writer uses: 50 ms of quiet (batches close every 250 ms at 10,000 events/s, and
 * a write of one takes a few tens of ms), 64 MB of WAL (about 100,000 staged rows, 0.4 s of
 * checkpoint). Not less: each checkpoint rewrites the table's last, partly filled row group, so
 * checkpoints every 25,000 rows cost 9.9 µs per row in all against 3.8 every 100,000.
 */
export const IDLE_CHECKPOINT: IdleCheckpointPolicy = { idleMs: 50, walBytes: 64_000_000 };

/** What one idle checkpoint did (for logs and tests). */
export type IdleCheckpointOutcome =
  | {
    readonly ok: true;
    readonly walBytesBefore: number;
    readonly walBytesAfter: number;
    readonly ms: number;
  }
  | { readonly ok: false; readonly walBytesBefore: number; readonly error: unknown };

/** What the scheduler needs from the warehouse. */
export interface IdleCheckpointTarget {
  /** The WAL's size in bytes now (0 when there is none). */
  walBytes(): number;
  /** Runs CHECKPOINT in the warehouse's operation order (never FORCE: that waits on writers). */
  checkpoint(): Promise<void>;
}

/** Arms a checkpoint at each idle moment of a warehouse; see the module doc. */
export class IdleCheckpoint {
  readonly #policy: IdleCheckpointPolicy;
  readonly #target: IdleCheckpointTarget;
  readonly #onOutcome: ((outcome: IdleCheckpointOutcome) => void) | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running: Promise<void> | undefined;
  #stopped = false;

  /** `onOutcome` observes each checkpoint tried (tests). */
  constructor(
    policy: IdleCheckpointPolicy,
    target: IdleCheckpointTarget,
    onOutcome?: (outcome: IdleCheckpointOutcome) => void,
  ) {
    this.#policy = policy;
    this.#target = target;
    this.#onOutcome = onOutcome;
  }

  /** The warehouse has just run out of work: checkpoint after `idleMs` unless work comes first. */
  idle(): void {
    if (this.#stopped || this.#running !== undefined) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#fire(), this.#policy.idleMs);
  }

  /** Work has arrived: an armed checkpoint waits for the next idle moment. */
  busy(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Disarms for good and waits for a checkpoint under way (before the warehouse closes). */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.busy();
    await this.#running;
  }

  /** The WAL's size, or undefined (logged) when it cannot be read: no checkpoint this time. */
  #walBytes(): number | undefined {
    try {
      return this.#target.walBytes();
    } catch (error: unknown) {
      log.warn("WriterCheckpointSkipped", {
        error,
        action:
          "none needed now: tried again when next idle; check the warehouse folder's permissions",
      });
      return undefined;
    }
  }

  #fire(): void {
    this.#timer = undefined;
    const before = this.#walBytes();
    if (before === undefined || before < this.#policy.walBytes) return;
    const started = performance.now();
    this.#running = this.#target.checkpoint().then(
      () => {
        const after = this.#walBytes() ?? before;
        const ms = Math.round(performance.now() - started);
        log.info("WriterCheckpointDone", { walBytesBefore: before, walBytesAfter: after, ms });
        this.#onOutcome?.({ ok: true, walBytesBefore: before, walBytesAfter: after, ms });
      },
      (error: unknown) => {
        // Nothing is lost: the rows are committed in the WAL, which DuckDB replays on open.
        log.warn("WriterCheckpointFailed", {
          walBytes: before,
          error,
          action: "none needed now: the writer tries again when next idle (if DuckDB " +
            "invalidated the file, the next batch reopens it, replaying the WAL); if this " +
            "repeats, check the disk under the warehouse file (space, permissions)",
        });
        this.#onOutcome?.({ ok: false, walBytesBefore: before, error });
      },
    ).finally(() => {
      this.#running = undefined;
    });
  }
}
