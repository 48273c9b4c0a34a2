/**
 * `deno task bench -- enrich`: events/s one enricher sustains on one core over realistic
 * ~830-byte events with a Zipf User-Agent mix, and the UA cache's hit rate. Options:
 * `--events=N` (200000), `--batch=N` (500), `--cache=N` (10000), `--agents=N` (20000),
 * `--rounds=N` (3; each with a cold cache, the median is reported: the host is shared).
 */

import { enrichBatch, type KafkaMessage } from "./enrich_batch.ts";
import { sampleMessages } from "./sample_events.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

interface Options {
  readonly events: number;
  readonly batch: number;
  readonly cache: number;
  readonly agents: number;
  readonly rounds: number;
}

function parse(args: string[]): Options {
  const flag = (name: string, fallback: number): number => {
    const text = args.find((a) => a.startsWith(`--${name}=`))?.split("=")[1];
    const value = text === undefined ? fallback : Number(text);
    if (!Number.isSafeInteger(value) || value < 1) {
      throw new RangeError(`Cannot run the enrich benchmark: --${name}=${text} is not a count`);
    }
    return value;
  };
  return {
    events: flag("events", 200_000),
    batch: flag("batch", 500),
    cache: flag("cache", 10_000),
    agents: flag("agents", 20_000),
    rounds: flag("rounds", 3),
  };
}

function pass(messages: KafkaMessage[], batch: number, userAgents: UserAgentCache): number {
  let rows = 0;
  for (let at = 0; at < messages.length; at += batch) {
    rows += enrichBatch(messages.slice(at, at + batch), { userAgents }).rows.rowCount;
  }
  return rows;
}

/** Runs the benchmark; returns the exit code. */
export function run(args: string[]): Promise<number> {
  const options = parse(args);
  const messages = sampleMessages(options.events, { distinctUserAgents: options.agents, seed: 7 });
  const bytes = messages.reduce((sum, m) => sum + m.value.byteLength, 0);
  console.log(
    `enricher: ${options.events} events (avg ${Math.round(bytes / options.events)} bytes), ` +
      `batches of ${options.batch}, UA pool ${options.agents} (Zipf 1.1), cache ${options.cache}`,
  );
  // Warm-up on a separate cache: JIT only, so each measured round starts with a cold cache.
  pass(
    messages.slice(0, Math.min(20_000, messages.length)),
    options.batch,
    new UserAgentCache(100),
  );
  const rates: number[] = [];
  let userAgents = new UserAgentCache(options.cache);
  for (let round = 0; round < options.rounds; round++) {
    userAgents = new UserAgentCache(options.cache);
    const start = performance.now();
    const rows = pass(messages, options.batch, userAgents);
    rates.push(rows / ((performance.now() - start) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)] ?? 0;
  const format = (rate: number) => Math.round(rate).toLocaleString("en-US");
  console.log(
    `events/s per core:  ${format(median)} median of ${rates.length} rounds ` +
      `(min ${format(rates[0] ?? 0)}, max ${format(rates[rates.length - 1] ?? 0)})`,
  );
  console.log(
    `UA cache hit rate:  ${(userAgents.hitRate * 100).toFixed(2)}% ` +
      `(${userAgents.misses} parses for ${userAgents.hits + userAgents.misses} lookups)`,
  );
  console.log(`MB/s per core:      ${(median * bytes / options.events / 1e6).toFixed(1)}`);
  return Promise.resolve(0);
}

if (import.meta.main) Deno.exit(await run(Deno.args));
