/**
 * Fixes an idle timer loop in kafkajs 2.2.4 at its source. `RequestQueue` arms a timer after
 * every response to check its pending requests, with the delay `throttledUntil - Date.now()`;
 * unthrottled, `throttledUntil` is -1, so the delay is about -1.8e12 ms, which Node and Deno
 * clamp to 1 ms with a `TimeoutNegativeWarning`. The check finds nothing pending and arms the
 * next: a 1 ms loop per broker connection for the life of the client. Upstream
 * (tulios/kafkajs#1751, #1704) is unreleased. With nothing pending there is nothing to check (a
 * request that cannot be sent at once is queued and schedules its own check; each response checks
 * again), so the fixed method arms no timer then, and keeps kafkajs's schedule otherwise.
 */
import RequestQueue from "kafkajs/src/network/requestQueue/index.js";
import kafkajsPackage from "kafkajs/package.json" with { type: "json" };

/** The kafkajs release whose RequestQueue this fix was written against. */
export const FIXED_KAFKAJS_VERSION = "2.2.4";

/** kafkajs's own retry interval of a throttled queue (CHECK_PENDING_REQUESTS_INTERVAL). */
const CHECK_PENDING_REQUESTS_INTERVAL_MS = 10;

/** The RequestQueue fields the fixed method reads and writes. */
interface QueueState {
  pending: unknown[];
  throttledUntil: number;
  throttleCheckTimeoutId: ReturnType<typeof setTimeout> | null;
  checkPendingRequests(): void;
}

function scheduleCheckPendingRequests(this: QueueState): void {
  if (this.throttleCheckTimeoutId !== null || this.pending.length === 0) return;
  const throttledForMs = this.throttledUntil - Date.now();
  this.throttleCheckTimeoutId = setTimeout(() => {
    this.throttleCheckTimeoutId = null;
    this.checkPendingRequests();
  }, throttledForMs > 0 ? throttledForMs : CHECK_PENDING_REQUESTS_INTERVAL_MS);
}

let applied = false;

/**
 * Replaces `RequestQueue.prototype.scheduleCheckPendingRequests` in this isolate (each Worker
 * loads its own kafkajs); idempotent. Throws when kafkajs is not the release it was written for,
 * so an upgrade is checked against upstream instead of patched blindly.
 */
export function fixKafkajsRequestQueue(): void {
  if (applied) return;
  if (kafkajsPackage.version !== FIXED_KAFKAJS_VERSION) {
    throw new Error(
      `kafkajs ${kafkajsPackage.version} is not ${FIXED_KAFKAJS_VERSION}: check whether it ` +
        "fixed tulios/kafkajs#1751, then update or remove actors/consumer/kafkajs_request_queue.ts",
    );
  }
  const prototype: unknown = RequestQueue.prototype;
  if (
    typeof prototype !== "object" || prototype === null ||
    !("scheduleCheckPendingRequests" in prototype)
  ) {
    throw new Error("kafkajs RequestQueue has no scheduleCheckPendingRequests to fix");
  }
  Object.defineProperty(prototype, "scheduleCheckPendingRequests", {
    value: scheduleCheckPendingRequests,
    writable: true,
    configurable: true,
  });
  applied = true;
}
