/**
 * A timer that an AbortSignal cancels: the crawler's only way to wait, so that stopping it never
 * leaves a timer behind. Rejects with the signal's reason when aborted.
 */

/** Waits `ms` (0 or less resolves on the next turn); rejects with `signal.reason` on abort. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
