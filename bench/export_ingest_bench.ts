/**
 * `deno task bench -- export-ingest [--count N] [--exports K]`: ingestion while exports run,
 * through the real process, a real broker and real DuckDB. A topic is pre-filled with N events
 * (default 1,000,000; 2% hostile), the pipeline started, and K exports (default 3) asked for at
 * even shares of the run (`POST /export`). For each export it prints the events/s staged while
 * the export ran next to the same length of time just before it, and the process's CPU time per
 * event in both windows (from /proc/<pid>/stat, all Workers included). Never fails on speed.
 */
import { parseArgs } from "node:util";
import { produceEvents } from "../tools/produce/mod.ts";
import { withBenchKafka } from "./bench_kafka.ts";
import { type PipelineProcess, startPipeline } from "../test/pipeline_process.ts";

/** One sample: when, events done (staged + dead-lettered), process CPU seconds. */
interface Mark {
  readonly at: number;
  readonly done: number;
  readonly cpu: number;
}

async function done(p: PipelineProcess): Promise<number> {
  const body = await (await p.get("/status")).json() as {
    events: { staged: number; deadLettered: number };
  };
  return body.events.staged + body.events.deadLettered;
}

/** User + system CPU seconds of `pid` (Deno guards /proc/<pid> behind --allow-all: cat reads). */
async function cpuSeconds(pid: number): Promise<number> {
  const out = await new Deno.Command("cat", { args: [`/proc/${pid}/stat`], stdout: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  // Fields after the command name (which may hold spaces) start after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime
  return ticks / 100;
}

async function mark(p: PipelineProcess): Promise<Mark> {
  const [d, cpu] = await Promise.all([done(p), cpuSeconds(p.pid)]);
  return { at: performance.now(), done: d, cpu };
}

/** The last mark at or before `at`. */
function markAt(marks: readonly Mark[], at: number): Mark | undefined {
  let found: Mark | undefined;
  for (const m of marks) if (m.at <= at) found = m;
  return found;
}

function window(from: Mark | undefined, to: Mark | undefined) {
  if (from === undefined || to === undefined || to.at <= from.at) return "n/a";
  const events = to.done - from.done;
  const rate = events / ((to.at - from.at) / 1000);
  const cpu = events > 0 ? `${((to.cpu - from.cpu) * 1e6 / events).toFixed(1)} µs CPU/event` : "-";
  return `${rate.toFixed(0)} events/s, ${cpu}`;
}

/** Runs the measurement once. */
async function measure(brokers: string, count: number, exports: number, scratch: string) {
  const topic = "bench-export-ingest";
  await produceEvents({
    brokers: [brokers],
    sasl: undefined,
    ssl: false,
    topic,
    count,
    badFraction: 0.02,
    seed: 13,
    maxInFlight: 4,
  });
  const p = await startPipeline({
    dataDir: `${scratch}/pipeline`,
    env: {
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: topic,
      KAFKA_GROUP: "bench-export-ingest",
      CRAWL_ENABLED: "false",
      LOG_LEVEL: "warn",
    },
  });
  const marks: Mark[] = [];
  const runs: { from: number; to: number; rows: number }[] = [];
  let exporting: Promise<void> | undefined;
  try {
    while (true) {
      const m = await mark(p);
      marks.push(m);
      const next = (runs.length + 1) / (exports + 1);
      if (exporting === undefined && runs.length < exports && m.done >= next * count) {
        const from = performance.now();
        exporting = fetch(`http://127.0.0.1:${p.controlPort}/export`, {
          method: "POST",
          headers: { authorization: `Bearer ${p.token}` },
        }).then(async (r) => {
          const report = await r.json() as { rows?: number };
          runs.push({ from, to: performance.now(), rows: report.rows ?? 0 });
          exporting = undefined;
        });
      }
      if (m.done >= count && exporting === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await p.stop("SIGTERM");
  }
  for (const [i, r] of runs.entries()) {
    const length = r.to - r.from;
    const during = window(markAt(marks, r.from), markAt(marks, r.to));
    const before = window(markAt(marks, r.from - length), markAt(marks, r.from));
    console.log(
      `export ${i + 1}: ${r.rows} rows in ${(length / 1000).toFixed(2)} s; ingest while it ran: ` +
        `${during}; the same time before it: ${before}`,
    );
  }
  const first = marks[0];
  const last = marks[marks.length - 1];
  console.log(`whole run: ${window(first, last)}`);
}

/** Runs the benchmark. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: "string", default: "1000000" },
      exports: { type: "string", default: "3" },
    },
  });
  await withBenchKafka("export-ingest-bench-", async (kafka) => {
    await kafka.createTopic("bench-export-ingest");
    await measure(kafka.brokers, Number(values.count), Number(values.exports), kafka.scratch);
  });
  return 0;
}
