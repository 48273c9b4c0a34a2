/**
 * `deno task bench -- enrich`: events/s one enricher sustains on one core (enriched and packed
 * for the batcher) over realistic ~830-byte events with a Zipf User-Agent mix, the UA cache's
 * hit rate, and what one uncached UA parse costs. Options:
 * `--events=N` (200000), `--batch=N` (500), `--cache=N` (10000), `--agents=N` (20000),
 * `--rounds=N` (3; each with a cold cache, the median is reported: the host is shared),
 * `--mix=sample|produce` (`sample`: the events above; `produce`: the ones `bench -- ingest` sends,
 * from the `produce` generator with 2% hostile, ~1.1 KB and a quarter of them not ASCII, so this
 * bench can be set beside the pipeline's enricher figure; `--agents` does not apply).
 */

import process from "node:process";
import { packRows } from "../../messages/packed_rows.ts";
import { enrichBatch, type KafkaMessage } from "./enrich_batch.ts";
import { sampleMessages, sampleUserAgent } from "./sample_events.ts";
import { UserAgentCache } from "./user_agent_cache.ts";
import { parseUserAgent } from "./user_agent_info.ts";
import { generateMessages } from "../../tools/produce/generate_messages.ts";

interface Options {
  readonly events: number;
  readonly batch: number;
  readonly cache: number;
  readonly agents: number;
  readonly rounds: number;
  readonly mix: "sample" | "produce";
}

function mixOf(text: string): Options["mix"] {
  if (text === "sample" || text === "produce") return text;
  throw new RangeError(`Cannot run the enrich benchmark: --mix=${text} is not sample or produce`);
}

/** The events of `bench -- ingest` (same seed and hostile share) as messages on `clicks`/0. */
function producedMessages(count: number): KafkaMessage[] {
  return [...generateMessages({ seed: 11, count, badFraction: 0.02 })].map((m, offset) => ({
    topic: "clicks",
    partition: 0,
    offset,
    timestampMs: 1_588_000_000_000 + offset,
    key: null,
    value: m.value,
  }));
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
    mix: mixOf(args.find((a) => a.startsWith("--mix="))?.split("=")[1] ?? "sample"),
  };
}

/** Process CPU time so far, ms (user + system). */
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

function median(values: readonly number[]): number {
  return [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
}

function pass(messages: KafkaMessage[], batch: number, userAgents: UserAgentCache): number {
  let rows = 0;
  for (let at = 0; at < messages.length; at += batch) {
    // Packed as the enricher actor packs them for the batcher: part of an enricher's work.
    rows += packRows(enrichBatch(messages.slice(at, at + batch), { userAgents }).rows).rowCount;
  }
  return rows;
}

/** Runs the benchmark; returns the exit code. */
export function run(args: string[]): Promise<number> {
  const options = parse(args);
  const messages = options.mix === "produce"
    ? producedMessages(options.events)
    : sampleMessages(options.events, { distinctUserAgents: options.agents, seed: 7 });
  const bytes = messages.reduce((sum, m) => sum + m.value.byteLength, 0);
  const mix = options.mix === "produce"
    ? "the produce generator's (bench -- ingest's)"
    : `UA pool ${options.agents} (Zipf 1.1)`;
  console.log(
    `enricher: ${options.events} events (avg ${Math.round(bytes / options.events)} bytes), ` +
      `batches of ${options.batch}, ${mix}, cache ${options.cache}`,
  );
  // Warm-up on a separate cache: JIT only, so each measured round starts with a cold cache.
  pass(
    messages.slice(0, Math.min(20_000, messages.length)),
    options.batch,
    new UserAgentCache(100),
  );
  const rates: number[] = [];
  const cpuPerEvent: number[] = [];
  let userAgents = new UserAgentCache(options.cache);
  for (let round = 0; round < options.rounds; round++) {
    userAgents = new UserAgentCache(options.cache);
    const start = performance.now();
    const cpu = cpuMs();
    const rows = pass(messages, options.batch, userAgents);
    rates.push(rows / ((performance.now() - start) / 1000));
    cpuPerEvent.push((cpuMs() - cpu) * 1000 / rows);
  }
  const format = (rate: number) => Math.round(rate).toLocaleString("en-US");
  console.log(
    `events/s per core:  ${format(median(rates))} median of ${rates.length} rounds ` +
      `(min ${format(Math.min(...rates))}, max ${format(Math.max(...rates))})`,
  );
  console.log(
    `CPU per event:      ${median(cpuPerEvent).toFixed(2)} µs median (process CPU time, ` +
      `steadier than events/s on a shared machine)`,
  );
  console.log(
    `UA cache hit rate:  ${(userAgents.hitRate * 100).toFixed(2)}% ` +
      `(${userAgents.misses} parses for ${userAgents.hits + userAgents.misses} lookups)`,
  );
  console.log(`MB/s per core:      ${(median(rates) * bytes / options.events / 1e6).toFixed(1)}`);
  // What a cache miss costs: parse every distinct UA of the pool (after a warm-up pass).
  const distinct = Array.from(
    { length: Math.min(options.agents, 5_000) },
    (_, i) => sampleUserAgent(i),
  );
  for (const ua of distinct) parseUserAgent(ua);
  const parseCpu: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const cpu = cpuMs();
    for (const ua of distinct) parseUserAgent(ua);
    parseCpu.push((cpuMs() - cpu) * 1000 / distinct.length);
  }
  console.log(
    `UA parse, uncached: ${median(parseCpu).toFixed(1)} µs CPU per UA median ` +
      `(${distinct.length} distinct UAs, ${parseCpu.length} rounds)`,
  );
  return Promise.resolve(0);
}

if (import.meta.main) Deno.exit(await run(Deno.args));
