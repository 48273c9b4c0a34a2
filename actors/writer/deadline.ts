/**
 * A time cap for one request to a remote service (BigQuery, Cloud Storage), for clients whose own
 * timeout does not work (the Google libraries' HTTP layer here ignores it). The request is
 * abandoned, not cancelled: its late answer is ignored, so only requests that are safe to land
 * late may be capped this way (the warehouse and the lake write nothing that counts before a
 * later step confirms it).
 */

/** A request that did not answer within its time cap (a transient failure: retried). */
export class RequestTimeoutError extends Error {
  override name = "RequestTimeoutError";
  /** Node's code for a timed-out socket, which the error classes treat as transient. */
  readonly code = "ETIMEDOUT";
}

/** Runs `run`, rejecting with `RequestTimeoutError` if it has not settled after `ms`. */
export function withDeadline<T>(what: string, ms: number, run: () => Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new RequestTimeoutError(`No answer to ${what} within ${ms} ms`)),
      ms,
    );
  });
  const request = run();
  // An abandoned request that fails later has no one left to tell; its outcome is moot.
  request.catch(() => undefined);
  return Promise.race([request, deadline]).finally(() => clearTimeout(timer));
}
