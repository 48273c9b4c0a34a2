/**
 * `STALL_EXIT_AFTER_MS`: when some stage has been stuck on a problem a restart may cure for that
 * long, the process exits with code 75 (EX_TEMPFAIL) and one log line naming the stage and the
 * reason, so an orchestrator restarts it. Safe: nothing is committed to Kafka that is not durable
 * in the warehouse, so the new process re-reads whatever was in flight.
 */
import { getLogger } from "../observability/log.ts";

const log = getLogger("pipeline");

/** The exit code of a stall exit (sysexits' EX_TEMPFAIL: try again later). */
export const STALL_EXIT_CODE = 75;

/** A stage stuck since a time, and why. */
export interface Stuck {
  readonly since: number;
  readonly stage: string;
  readonly reason: string;
}

/** What the watchdog needs. */
export interface StallWatchdogOptions {
  /** Stuck this long: exit (0: never). */
  readonly limitMs: number;
  /** The stage stuck longest, if any. */
  readonly stuck: (now: number) => Stuck | undefined;
  /** Ends the process (tests pass a recorder). */
  readonly exit: (code: number) => void;
  /** How often to look (default 1 s). */
  readonly everyMs?: number;
}

/** Watches for a stall that outlasts the limit. */
export class StallWatchdog {
  readonly #options: StallWatchdogOptions;
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor(options: StallWatchdogOptions) {
    this.#options = options;
  }

  /** Starts looking (a no-op when the limit is 0). */
  start(): void {
    if (this.#options.limitMs <= 0 || this.#timer !== undefined) return;
    this.#timer = setInterval(() => this.check(Date.now()), this.#options.everyMs ?? 1_000);
  }

  /** Stops looking. */
  stop(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  /** Exits when a stage has been stuck for the limit at `now`; returns whether it did. */
  check(now: number): boolean {
    const stuck = this.#options.stuck(now);
    if (stuck === undefined || now - stuck.since < this.#options.limitMs) return false;
    this.stop();
    log.error("PipelineStalledExit", {
      stage: stuck.stage,
      reason: stuck.reason,
      stuckMs: now - stuck.since,
      limitMs: this.#options.limitMs,
      exitCode: STALL_EXIT_CODE,
      hint: "STALL_EXIT_AFTER_MS passed; nothing uncommitted is lost, the next start re-reads it",
    });
    this.#options.exit(STALL_EXIT_CODE);
    return true;
  }
}
