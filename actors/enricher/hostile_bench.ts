/**
 * `deno task bench -- hostile`: time one enricher spends on each hostile event of
 * hostile_events.ts (the whole path: decode, coerce, clean, enrich, columns), median of
 * `--rounds=N` (default 7) after a warm-up. Linear per-event work shows as milliseconds here;
 * the quadratic cart de-duplication this replaced took 4.2 s on the 50,000-id cart.
 */
import { BenchFlags } from "../../bench/bench_flags.ts";
import { enrichBatch } from "./enrich_batch.ts";
import { bigCart, manyExtras, problemCart } from "./hostile_events.ts";
import { messageOf } from "./testing.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

const CASES = {
  "cart of 50,000 product ids": () => bigCart(50_000),
  "cart of 50,000 ids, each twice": () => bigCart(50_000, 2),
  "cart of 850,000 bad lines": () => problemCart(850_000),
  "10,000 undeclared fields": () => manyExtras(10_000, 20),
};

/** Runs the benchmark; returns the exit code. */
export function run(args: string[]): Promise<number> {
  const flags = new BenchFlags("hostile", args);
  const rounds = flags.count("rounds", 7);
  flags.rejectUnread();
  for (const [name, make] of Object.entries(CASES)) {
    const message = messageOf(make());
    const times: number[] = [];
    for (let round = 0; round < rounds + 2; round++) {
      const start = performance.now();
      enrichBatch([message], { userAgents: new UserAgentCache(10) });
      if (round >= 2) times.push(performance.now() - start); // two warm-up rounds
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? 0;
    const mb = (message.value.byteLength / 1e6).toFixed(2);
    console.log(
      `${name.padEnd(32)} ${mb} MB  ${median.toFixed(1)} ms median of ${rounds} ` +
        `(min ${(times[0] ?? 0).toFixed(1)}, max ${(times.at(-1) ?? 0).toFixed(1)})`,
    );
  }
  return Promise.resolve(0);
}
