/**
 * Runs a warehouse operation until it succeeds, however long the warehouse is away: each failure
 * is retried after a capped exponential backoff, inside the actor (crashing instead would hit the
 * restart intensity and, in the end, drop nothing but the process). While it fails, or while one
 * attempt hangs longer than `slowAfterMs`, it reports itself stalled with the reason; after a
 * stall it reports when it resumed. The caller waits meanwhile, which is what stops consumption.
 */
import type { WriterResumed, WriterStalled } from "../../messages/writer.ts";
import { backoffMs } from "../runtime/backoff.ts";

/** How patiently to retry, and when a slow attempt counts as a stall. */
export interface UntilDonePolicy {
  /** Delay before the second attempt; doubles after each failure... */
  readonly initialDelayMs: number;
  /** ...up to this cap. */
  readonly maxDelayMs: number;
  /** An attempt running this long is reported as a stall while it goes on. */
  readonly slowAfterMs: number;
}

/** The writer's policy: retry every 0.5 s at first, then every 5 s; report after 10 s waiting. */
export const WRITER_RETRY: UntilDonePolicy = Object.freeze({
  initialDelayMs: 500,
  maxDelayMs: 5_000,
  slowAfterMs: 10_000,
});

/** Who hears about stalls, and a chance to repair the connection between attempts. */
export interface StallListener {
  stalled(report: WriterStalled): void | Promise<void>;
  resumed(report: WriterResumed): void | Promise<void>;
  /** Called after each failed attempt, before the backoff (e.g. reopen an invalidated file). */
  failed?(error: unknown): void | Promise<void>;
}

/** The error's message, with its cause's when the message does not say it already. */
function why(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause.message : "";
  return cause === "" || error.message.includes(cause)
    ? error.message
    : `${error.message}: ${cause}`;
}

/**
 * Runs `attempt` until it resolves; never rejects (a failure is retried). `doing`, when given, says
 * what a hanging attempt is busy with (e.g. an open parsing a dimension again), for its stall.
 */
export async function untilDone<T>(
  operation: string,
  attempt: () => Promise<T>,
  listener: StallListener,
  policy: UntilDonePolicy = WRITER_RETRY,
  doing: () => string | undefined = () => undefined,
): Promise<T> {
  let since: number | undefined;
  let attempts = 0;
  for (;;) {
    attempts++;
    const slow = setTimeout(() => {
      since ??= Date.now() - policy.slowAfterMs;
      const busy = doing();
      void listener.stalled({
        operation,
        reason:
          `${operation} has waited ${policy.slowAfterMs} ms on the warehouse without an answer` +
          (busy === undefined ? "" : `: it is ${busy}`),
        sinceMs: since,
        attempts,
        retryInMs: null,
      });
    }, policy.slowAfterMs);
    try {
      const value = await attempt();
      clearTimeout(slow);
      if (since !== undefined) {
        await listener.resumed({ operation, stalledMs: Date.now() - since, attempts });
      }
      return value;
    } catch (error: unknown) {
      clearTimeout(slow);
      since ??= Date.now();
      const delayMs = backoffMs(policy, attempts);
      await listener.stalled({
        operation,
        reason: why(error),
        sinceMs: since,
        attempts,
        retryInMs: delayMs,
      });
      await listener.failed?.(error);
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
