/**
 * `deno task bench -- ingest [--count N] [--rate R] [--latency-count M]`: the pipeline's own
 * figures on this machine, through the real process, a real broker and real DuckDB.
 *  1. Throughput: a topic pre-filled with N events (default 1,000,000; 2% hostile), then the
 *     pipeline started: sustained events/s to committed staging (10%..90% of the run), total time,
 *     and the process's peak RSS (all Workers are threads of that process).
 *  2. Latency: M events (default 200,000) produced at R events/s (default 20,000) into a running
 *     pipeline: end-to-end latency percentiles (Kafka timestamp to durable commit) from the
 *     pipeline's own histogram.
 */
import { parseArgs } from "node:util";
import { actorsOf, type SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import { produceEvents } from "../tools/produce/mod.ts";
import { withBenchKafka } from "./bench_kafka.ts";
import { type PipelineProcess, startPipeline } from "../test/pipeline_process.ts";
import { parsePrometheus } from "../test/prometheus.ts";

interface Target {
  readonly brokers: string;
  readonly topic: string;
  readonly group: string;
}

interface Fill {
  readonly name: string;
  readonly mailboxDepth: number;
  readonly mailboxCapacity: number;
}

async function status(p: PipelineProcess): Promise<{ done: number; actors: Fill[] }> {
  const body = await (await p.get("/status")).json() as {
    events: { staged: number; deadLettered: number };
    supervision: SupervisorSnapshot;
  };
  return {
    done: body.events.staged + body.events.deadLettered,
    actors: actorsOf(body.supervision),
  };
}

/** Resident set size of `pid` in MiB, from `ps` (Deno guards /proc/<pid> behind --allow-all). */
async function rssMiB(pid: number): Promise<number> {
  const out = await new Deno.Command("ps", {
    args: ["-o", "rss=", "-p", String(pid)],
    stdout: "piped",
  })
    .output();
  return Number(new TextDecoder().decode(out.stdout).trim() || 0) / 1024;
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 200));

async function throughput(t: Target, count: number, dataDir: string): Promise<void> {
  const produced = await produceEvents({
    brokers: [t.brokers],
    sasl: undefined,
    ssl: false,
    topic: t.topic,
    count,
    badFraction: 0.02,
    seed: 11,
    maxInFlight: 4,
  });
  console.log(`pre-filled ${count} events at ${produced.rate.toFixed(0)}/s`);
  const started = performance.now();
  const p = await startPipeline({ dataDir, env: env(t) });
  const marks: { at: number; done: number }[] = [];
  let rss = 0;
  const fill = new Map<string, number[]>();
  while (true) {
    const { done, actors } = await status(p);
    marks.push({ at: performance.now(), done });
    for (const a of actors) {
      fill.set(a.name, [...fill.get(a.name) ?? [], a.mailboxDepth / a.mailboxCapacity]);
    }
    rss = Math.max(rss, await rssMiB(p.pid));
    if (done >= count) break;
    await tick();
  }
  await p.stop("SIGTERM");
  const at = (share: number) =>
    marks.find((m) => m.done >= share * count) ?? marks[marks.length - 1];
  const from = at(0.1);
  const to = at(0.9);
  const sustained = from && to && to.at > from.at
    ? (to.done - from.done) / ((to.at - from.at) / 1000)
    : NaN;
  const total = (marks[marks.length - 1]?.at ?? started) - started;
  console.log(
    `ingest: ${sustained.toFixed(0)} events/s sustained (10%..90%), ${count} events in ${
      (total / 1000).toFixed(1)
    } s including start-up`,
  );
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
  console.log(
    `ingest: mean mailbox fill (a full mailbox sits upstream of the slowest stage): ${
      [...fill].map(([name, xs]) => `${name} ${(100 * mean(xs)).toFixed(0)}%`).join(", ")
    }`,
  );
  console.log(
    `ingest: peak RSS of the pipeline process ${rss.toFixed(0)} MiB (sampled every 200 ms)`,
  );
}

async function latency(t: Target, count: number, rate: number, dataDir: string): Promise<void> {
  const p = await startPipeline({ dataDir, env: env(t) });
  await produceEvents({
    brokers: [t.brokers],
    sasl: undefined,
    ssl: false,
    topic: t.topic,
    count,
    rate,
    badFraction: 0,
    seed: 12,
  });
  while ((await status(p)).done < count) await tick();
  const text = await (await p.get("/metrics")).text();
  await p.stop("SIGTERM");
  const family = parsePrometheus(text).find((f) =>
    f.name === "pipeline_end_to_end_latency_seconds"
  );
  const buckets =
    (family?.metrics[0] as { buckets?: Record<string, string> } | undefined)?.buckets ?? {};
  const bounds = Object.entries(buckets).map(([le, n]) => [Number(le), Number(n)] as const)
    .sort((a, b) => a[0] - b[0]);
  const total = bounds[bounds.length - 1]?.[1] ?? 0;
  const pct = (q: number) => bounds.find(([, n]) => n >= q * total)?.[0] ?? Infinity;
  console.log(
    `latency at ${rate} events/s (${count} events): p50 <= ${pct(0.5) * 1000} ms, p95 <= ${
      pct(0.95) * 1000
    } ms, ` +
      `p99 <= ${pct(0.99) * 1000} ms (histogram bucket bounds)`,
  );
}

function env(t: Target): Record<string, string> {
  return {
    KAFKA_BROKERS: t.brokers,
    KAFKA_TOPIC: t.topic,
    KAFKA_GROUP: t.group,
    CRAWL_ENABLED: "false",
    LOG_LEVEL: "warn",
  };
}

/** Runs both measurements. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: "string", default: "1000000" },
      rate: { type: "string", default: "20000" },
      "latency-count": { type: "string", default: "200000" },
    },
  });
  await withBenchKafka("ingest-bench-", async (kafka) => {
    const a = { brokers: kafka.brokers, topic: "bench-throughput", group: "bench-a" };
    await kafka.createTopic(a.topic);
    await throughput(a, Number(values.count), `${kafka.scratch}/a`);
    const b = { brokers: kafka.brokers, topic: "bench-latency", group: "bench-b" };
    await kafka.createTopic(b.topic);
    await latency(b, Number(values["latency-count"]), Number(values.rate), `${kafka.scratch}/b`);
  });
  return 0;
}
