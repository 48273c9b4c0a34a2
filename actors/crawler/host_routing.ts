/**
 * Which crawler Worker crawls a URL: each host belongs to exactly one Worker of the pool (FNV-1a
 * of the host, modulo the pool size), so a host's rate and concurrency limits hold pool-wide; and
 * how the pool's concurrency is shared out. The pool routes by it, each Worker checks it.
 */

/** The routing key of a URL: its host (with a non-default port); "" when it is no URL. */
export function routeKey(url: string): string {
  try {
    return new URL(url).host.toLowerCase();
  } catch (error) {
    if (error instanceof TypeError) return ""; // never requested: any Worker may skip it
    throw error;
  }
}

/** The Worker owning `host` (FNV-1a of the host, modulo the pool size). */
export function hostOwner(host: string, workers: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < host.length; i++) {
    hash = Math.imul(hash ^ host.charCodeAt(i), 0x01000193) >>> 0;
  }
  return hash % workers;
}

/** Worker `member`'s share of `total` (shares differ by at most one and add up to `total`). */
export function concurrencyShare(total: number, workers: number, member: number): number {
  return Math.floor(total / workers) + (member < total % workers ? 1 : 0);
}
