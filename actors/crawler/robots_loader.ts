/**
 * Fetches an origin's robots.txt through the politeness gate (it counts against the host's rate
 * and concurrency, not its circuit breaker), following up to five redirects on the allow-list.
 */

import type { AllowList } from "./allow_list.ts";
import { type FetchLimits, fetchOnce } from "./fetch_once.ts";
import type { HostGate } from "./host_gate.ts";
import type { LoadedRobots, RobotsLoader } from "./robots_cache.ts";
import { RobotsRules } from "./robots_rules.ts";

/** How long robots.txt answers are trusted. */
export interface RobotsTtl {
  /** Rules read, or no robots.txt (4xx). */
  readonly ttlMs: number;
  /** robots.txt unreachable (5xx, timeout): everything disallowed until then. */
  readonly errorTtlMs: number;
}

const MAX_HOPS = 5;

/** A loader for `RobotsCache` that requests through `gate`. */
export function robotsLoader(
  gate: HostGate,
  allowList: AllowList,
  limits: FetchLimits,
  ttl: RobotsTtl,
): RobotsLoader {
  return async (origin, signal): Promise<LoadedRobots> => {
    let url: URL | undefined = new URL("/robots.txt", origin);
    let unreachable = false;
    for (let hop = 0; hop <= MAX_HOPS && url !== undefined; hop++) {
      const pass = await gate.enter(url.host, signal, false);
      if ("circuitOpen" in pass) throw new Error("robots.txt requests bypass the breaker");
      let outcome;
      try {
        outcome = await fetchOnce(url, limits, signal);
      } finally {
        pass.end("abandoned");
      }
      if (outcome.kind === "redirect") {
        url = allowList.check(outcome.location);
        continue;
      }
      if (outcome.kind !== "response" || outcome.status === 429 || outcome.status >= 500) {
        unreachable = true;
        break;
      }
      if (outcome.status >= 400) return { rules: RobotsRules.allowAll(), ttlMs: ttl.ttlMs };
      return { rules: RobotsRules.parse(outcome.body, limits.userAgent), ttlMs: ttl.ttlMs };
    }
    // Redirected off the allow-list or more than five times: "unavailable", like a 4xx.
    if (!unreachable) return { rules: RobotsRules.allowAll(), ttlMs: ttl.ttlMs };
    return { rules: RobotsRules.disallowAll(), ttlMs: ttl.errorTtlMs };
  };
}
