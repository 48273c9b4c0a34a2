/**
 * `deno task bench -- ingest [--count N] [--rate R] [--latency-count M]
 * [--string-compression auto|off] [--heap-dumps DIR [--dump-kind heap|malloc]]
 * [--latency-trace FILE]`: the pipeline's own figures on this machine, through the real
 * process, a real broker and real DuckDB (with `DUCKDB_STRING_COMPRESSION` as given; default
 * `auto`, the pipeline's default).
 *  1. Throughput: a topic pre-filled with N events (default 1,000,000; 2% hostile), then the
 *     pipeline started: sustained events/s to committed staging (10%..90% of the run), total time,
 *     the process's peak RSS (the kernel's high-water mark; all Workers are threads of that
 *     process) and RSS along the run, and CPU µs per event by stage over the same 10%..90% window:
 *     each actor's Worker threads (reported by the runtime), the host's main thread (routing,
 *     supervision, control), V8's background threads (concurrent GC, compiler), I/O and other
 *     threads (from /proc), next to the whole process's; and the memory budget the settings allow
 *     in flight (pipeline/memory_budget.ts) next to the RSS. `--count 10000000` shows the RSS with
 *     a 10M backlog (its pre-fill takes about 5 minutes at ~32,000 events/s, the run about 9).
 *  2. Latency: M events (default 450,000) produced at R events/s (default 10,000) into a running
 *     pipeline: end-to-end latency percentiles (Kafka timestamp to durable commit) from the
 *     pipeline's own histogram (50 ms buckets below 1 s). 45 s at 10,000 events/s is long enough
 *     to include DuckDB's checkpoints (every ~110,000 events at the default 64 MB of WAL, ~440,000
 *     at 256), which a shorter run would leave out of the tail. `--latency-count 0` skips it.
 */
import { parseArgs } from "node:util";
import { actorsOf, type SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import { produceEvents } from "../tools/produce/mod.ts";
import { withBenchKafka } from "./bench_kafka.ts";
import { type ProcessSample, sampleProcess } from "./process_sample.ts";
import { type PipelineProcess, startPipeline } from "../test/pipeline_process.ts";
import { parsePrometheus } from "../test/prometheus.ts";
import { printLatencyTrace, type TraceMark } from "./latency_trace.ts";
import { loadConfig } from "../config/config.ts";
import { duckdbLimitBytes, memoryBudget } from "../pipeline/memory_budget.ts";
import { isStringCompression } from "../messages/writer.ts";
import type { DuckdbAllocatorStats } from "../observability/duckdb_allocator_stats.ts";
import type { MallocStats } from "../observability/malloc_stats.ts";
import {
  HEAP_DUMP_DIR_ENV,
  HEAP_DUMP_KIND_ENV,
  HEAP_DUMP_KINDS,
  type HeapDumpKind,
  isHeapDumpKind,
} from "../observability/heap_dump.ts";

interface Target {
  readonly brokers: string;
  readonly topic: string;
  readonly group: string;
  readonly stringCompression: string;
}

/** One reading of the running pipeline. */
interface Mark {
  readonly at: number;
  readonly done: number;
  /** Mailbox fill by actor, 0..1. */
  readonly fill: ReadonlyMap<string, number>;
  /** CPU µs by stage: each actor, `host`, and `process` (the whole process). */
  readonly cpu: ReadonlyMap<string, number>;
  /** Heap (V8 heap plus ArrayBuffers) by stage, bytes: each actor's peak, the host's now. */
  readonly heap: ReadonlyMap<string, number>;
  /** Every isolate now (as last reported): V8 heaps without ArrayBuffers, and ArrayBuffers. */
  readonly v8HeapBytes: number;
  readonly arrayBufferBytes: number;
  /** The host's own: used V8 heap (without ArrayBuffers), and ArrayBuffers, bytes, now. */
  readonly hostHeapUsedBytes: number;
  readonly hostArrayBufferBytes: number;
  readonly malloc: MallocStats | null;
  /** DuckDB's own jemalloc, if the pipeline could read it. */
  readonly duckdb: DuckdbAllocatorStats | null;
  readonly sample: ProcessSample;
  /** Batches written, and the writer's wall-clock ms by phase of its chain, so far. */
  readonly batches: number;
  readonly phaseMs: Readonly<Record<string, number>>;
  /** The warehouse's WAL, and the blocks DuckDB spilled to `<warehouse>.tmp/`, bytes. */
  readonly walBytes: number;
  readonly tmpBytes: number;
}

interface Status {
  events: { staged: number; deadLettered: number; batches?: number };
  writes?: { phaseMs?: Record<string, number> };
  supervision: SupervisorSnapshot;
  cpu?: { hostThreadMicros: number; processMicros: number };
  hostHeapBytes?: number;
  hostArrayBufferBytes?: number;
  hostHeapUsedBytes?: number;
  malloc?: MallocStats | null;
  duckdbAllocator?: DuckdbAllocatorStats | null;
}

/** The size of the warehouse's WAL under `dataDir`, bytes (0 when there is none). */
function walBytesIn(dataDir: string): number {
  try {
    return Deno.statSync(`${dataDir}/warehouse.duckdb.wal`).size;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw new Error(`Cannot read the size of the WAL in ${dataDir}`, { cause: error });
  }
}

/** Bytes of the files DuckDB spilled under `dataDir` (`warehouse.duckdb.tmp/`). */
function tmpBytesIn(dataDir: string): number {
  let sum = 0;
  try {
    for (const entry of Deno.readDirSync(`${dataDir}/warehouse.duckdb.tmp`)) {
      if (!entry.isFile) continue;
      try {
        sum += Deno.statSync(`${dataDir}/warehouse.duckdb.tmp/${entry.name}`).size;
      } catch (error: unknown) {
        if (!(error instanceof Deno.errors.NotFound)) throw error; // freed since listed
      }
    }
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return 0;
    throw new Error(`Cannot read DuckDB's spill folder in ${dataDir}`, { cause: error });
  }
  return sum;
}

async function mark(p: PipelineProcess, dataDir: string): Promise<Mark> {
  const [body, sample] = await Promise.all([
    (await p.get("/status")).json() as Promise<Status>,
    sampleProcess(p.pid),
  ]);
  const actors = actorsOf(body.supervision);
  const cpu = new Map(actors.map((a) => [a.name, a.cpuMicros ?? 0]));
  cpu.set("host", body.cpu?.hostThreadMicros ?? 0);
  cpu.set("process", body.cpu?.processMicros ?? 0);
  const heap = new Map(actors.map((a) => [a.name, a.peakHeapBytes ?? 0]));
  heap.set("host", body.hostHeapBytes ?? 0);
  const sum = (f: (a: (typeof actors)[number]) => number) => actors.reduce((n, a) => n + f(a), 0);
  const arrayBufferBytes = sum((a) => a.arrayBufferBytes ?? 0) + (body.hostArrayBufferBytes ?? 0);
  return {
    heap,
    v8HeapBytes: sum((a) => a.heapBytes ?? 0) + (body.hostHeapBytes ?? 0) - arrayBufferBytes,
    arrayBufferBytes,
    hostHeapUsedBytes: body.hostHeapUsedBytes ?? 0,
    hostArrayBufferBytes: body.hostArrayBufferBytes ?? 0,
    malloc: body.malloc ?? null,
    duckdb: body.duckdbAllocator ?? null,
    at: performance.now(),
    done: body.events.staged + body.events.deadLettered,
    fill: new Map(actors.map((a) => [a.name, a.mailboxDepth / a.mailboxCapacity])),
    cpu,
    sample,
    batches: body.events.batches ?? 0,
    phaseMs: body.writes?.phaseMs ?? {},
    walBytes: walBytesIn(dataDir),
    tmpBytes: tmpBytesIn(dataDir),
  };
}

/** Bytes as whole MiB, for the printed figures. */
function mib(bytes: number): string {
  return (bytes / 1048576).toFixed(0);
}

/** Prints the writer's mean wall-clock ms per batch by phase of its chain between two marks. */
function printWriterTimeline(from: Mark, to: Mark): void {
  const batches = to.batches - from.batches;
  const phases = Object.keys(to.phaseMs);
  const ms = (k: string) => ((to.phaseMs[k] ?? 0) - (from.phaseMs[k] ?? 0)) / Math.max(1, batches);
  const total = phases.reduce((a, k) => a + ms(k), 0);
  console.log(
    `ingest: writer's chain, wall-clock ms per batch (${batches} batches of ${
      ((to.done - from.done) / Math.max(1, batches)).toFixed(0)
    } events; ${total.toFixed(1)} ms in all, ${
      ((to.at - from.at) / Math.max(1, batches)).toFixed(1)
    } between batches): ${phases.map((k) => `${k} ${ms(k).toFixed(1)}`).join(", ")}`,
  );
}

/**
 * Prints each of DuckDB's checkpoints over the run: the writer's `checkpoint` phase grows once per
 * commit that checkpointed, by that commit's ms, and the marks are closer together than
 * checkpoints come, so each rise between two marks is one checkpoint. For each, from the readings
 * over its ms: the WAL and the spilled blocks before it, the CPU of the I/O threads (DuckDB runs
 * on them) and of the rest of the process meanwhile (whether the other core was busy).
 */
function printCheckpoints(marks: readonly Mark[]): void {
  const each: string[] = [];
  let sum = 0;
  const io = (m: Mark) => m.sample.cpuMicrosByGroup.get("I/O threads") ?? 0;
  const all = (m: Mark) => [...m.sample.cpuMicrosByGroup.values()].reduce((a, b) => a + b, 0);
  for (let i = 1; i < marks.length; i++) {
    const end = marks[i];
    const rise = (end?.phaseMs.checkpoint ?? 0) - (marks[i - 1]?.phaseMs.checkpoint ?? 0);
    if (end === undefined || rise <= 0) continue;
    sum += rise;
    // The last reading before the checkpoint began.
    const start = [...marks.slice(0, i)].reverse().find((m) => m.at <= end.at - rise) ?? marks[0];
    if (start === undefined) continue;
    const wall = end.at - start.at;
    const ioMs = (io(end) - io(start)) / 1000;
    each.push(
      `${rise.toFixed(0)} ms (WAL ${mib(start.walBytes)} MiB, spilled ${
        mib(start.tmpBytes)
      } MiB; over ${wall.toFixed(0)} ms of readings: I/O threads ${ioMs.toFixed(0)} ms of CPU, ` +
        `the rest ${((all(end) - all(start)) / 1000 - ioMs).toFixed(0)})`,
    );
  }
  console.log(
    `ingest: DuckDB's checkpoints (commits that checkpointed): ${each.length}, ${
      (sum / 1000).toFixed(1)
    } s in all: ${each.join("; ")}`,
  );
}

/** Prints the DuckDB settings the pipeline runs with (from the same settings it loads). */
function printDuckDBSettings(t: Target): void {
  const vars = env(t);
  const { warehouse } = loadConfig((key) => vars[key] ?? Deno.env.get(key));
  if (warehouse.kind !== "duckdb") return;
  console.log(
    `DuckDB: memory cap ${warehouse.memoryLimitMb} MB, a checkpoint at ${warehouse.checkpointMb} ` +
      `MB of WAL, string compression ${warehouse.stringCompression}`,
  );
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 200));
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);

async function throughput(
  t: Target,
  count: number,
  dataDir: string,
  heapDumps: string | undefined,
  dumpKind: HeapDumpKind,
): Promise<void> {
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
  console.log(
    `pre-filled ${count} events at ${produced.rate.toFixed(0)}/s (${
      (count / produced.rate).toFixed(0)
    } s)`,
  );
  printDuckDBSettings(t);
  console.log(`load average before the run: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  const started = performance.now();
  const dumpEnv = heapDumps === undefined
    ? {}
    : { [HEAP_DUMP_DIR_ENV]: heapDumps, [HEAP_DUMP_KIND_ENV]: dumpKind };
  const p = await startPipeline({ dataDir, env: { ...env(t), ...dumpEnv } });
  const marks: Mark[] = [];
  // With --heap-dumps: every thread writes a heap snapshot at 25% and at 75% of the run.
  const dumpAt = heapDumps === undefined ? [] : [0.25, 0.75];
  while (true) {
    const m = await mark(p, dataDir);
    marks.push(m);
    if (m.done >= count) break;
    if (dumpAt.length > 0 && m.done >= (dumpAt[0] ?? 1) * count) {
      dumpAt.shift();
      Deno.kill(p.pid, "SIGUSR2");
      console.log(`heap dumps asked for at ${m.done} events, into ${heapDumps}`);
    }
    await tick();
  }
  // Let the last acknowledgements report the consumer's CPU, then read once more.
  await tick();
  const last = await mark(p, dataDir);
  await p.stop("SIGTERM");
  const at = (share: number) => marks.find((m) => m.done >= share * count) ?? last;
  const from = at(0.1);
  const to = at(0.9);
  const events = to.done - from.done;
  const seconds = (to.at - from.at) / 1000;
  const total = (marks[marks.length - 1]?.at ?? started) - started;
  console.log(
    `ingest: ${(events / seconds).toFixed(0)} events/s sustained (10%..90%), ${count} events in ${
      (total / 1000).toFixed(1)
    } s including start-up`,
  );
  console.log(
    `ingest: mean mailbox fill (a full mailbox sits upstream of the slowest stage): ${
      [...from.fill.keys()].map((name) =>
        `${name} ${(100 * mean(marks.map((m) => m.fill.get(name) ?? 0))).toFixed(0)}%`
      ).join(", ")
    }`,
  );
  console.log(
    `ingest: peak RSS of the pipeline process ${last.sample.peakRssMiB.toFixed(0)} MiB ` +
      `(kernel high-water mark); RSS at start (${marks[0]?.done ?? 0} events done) ${
        marks[0]?.sample.rssMiB.toFixed(0)
      } MiB, at 25/50/75/100% of the events: ${
        [0.25, 0.5, 0.75, 1].map((s) => at(s).sample.rssMiB.toFixed(0)).join(" / ")
      } MiB`,
  );
  printBudget(t, marks[0]?.sample.rssMiB ?? 0);
  printRssParts(marks);
  printRssPartsAlong(marks, at);
  console.log(
    `ingest: peak V8 heap + ArrayBuffers by stage (MiB; what the rest of the RSS is: DuckDB, ` +
      `code, thread stacks, allocator slack): ${
        [...last.heap.keys()].filter((k) => (last.heap.get(k) ?? 0) > 0).map((k) =>
          `${k} ${mib(Math.max(...marks.map((m) => m.heap.get(k) ?? 0), last.heap.get(k) ?? 0))}`
        ).join(", ")
      }`,
  );
  const perEvent = (micros: number) => (micros / Math.max(1, events)).toFixed(2);
  const stages = [...to.cpu.keys()].filter((k) => k !== "process");
  const delta = (m: Mark, n: Mark, k: string) => (n.cpu.get(k) ?? 0) - (m.cpu.get(k) ?? 0);
  const group = (k: string) =>
    (to.sample.cpuMicrosByGroup.get(k) ?? 0) - (from.sample.cpuMicrosByGroup.get(k) ?? 0);
  const groups = [...to.sample.cpuMicrosByGroup.keys()].filter((k) =>
    k !== "actor Workers" && k !== "main and other Deno threads" && group(k) > 0
  );
  const process = delta(from, to, "process");
  console.log(
    `ingest: CPU µs per event (10%..90%, ${events} events in ${seconds.toFixed(1)} s): ` +
      `process ${perEvent(process)} (${(process / 1e6 / seconds).toFixed(2)} cores busy); ` +
      [
        ...stages.filter((k) => delta(from, to, k) > 0).map((k) =>
          `${k} ${perEvent(delta(from, to, k))}`
        ),
        ...groups.map((k) => `${k} ${perEvent(group(k))}`),
      ].join(", "),
  );
  console.log(
    `ingest: cross-check from /proc (10 ms ticks): actor Worker threads ${
      perEvent(group("actor Workers"))
    } µs/event (the actors' own reports sum to ${
      perEvent(stages.filter((k) => k !== "host").reduce((a, k) => a + delta(from, to, k), 0))
    }), main and other Deno threads ${perEvent(group("main and other Deno threads"))}`,
  );
  printWriterTimeline(from, to);
  printCheckpoints([...marks, last]);
  printHostAlong(marks, at);
  await printWarehouseSize(dataDir, count);
  console.log(`load average after the run: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

/**
 * Prints the host thread's heap and CPU per event along the run, quarter by quarter: whatever
 * grows with the events seen (a map never pruned, per-chunk bookkeeping) shows as a rise here.
 */
function printHostAlong(marks: readonly Mark[], at: (share: number) => Mark): void {
  const quarters = [0.25, 0.5, 0.75, 1].map((share, i) => {
    const from = i === 0 ? marks[0] ?? at(0) : at(share - 0.25);
    const to = at(share);
    const window = marks.filter((m) => m.at > from.at && m.at <= to.at);
    const peak = (f: (m: Mark) => number) => Math.max(0, ...window.map(f));
    const cpu = (m: Mark) => m.cpu.get("host") ?? 0;
    const events = Math.max(1, to.done - from.done);
    return `${share * 100}%: heap ${mib(peak((m) => m.heap.get("host") ?? 0))} (used ${
      mib(peak((m) => m.hostHeapUsedBytes))
    }, ArrayBuffers ${mib(peak((m) => m.hostArrayBufferBytes))}), CPU ${
      ((cpu(to) - cpu(from)) / events).toFixed(2)
    } µs/event`;
  });
  console.log(
    `ingest: the host thread by quarter of the run (peak MiB in the quarter; V8's reserved heap ` +
      `plus ArrayBuffers, of it the used heap, live objects and garbage not yet collected, and ` +
      `ArrayBuffers): ${quarters.join("; ")}`,
  );
}

/**
 * Prints what the RSS is made of at the highest sample of each quarter of the run, so what grows
 * along a long run (V8's heaps, glibc's memory in use or freed and kept, DuckDB's) shows.
 */
function printRssPartsAlong(marks: readonly Mark[], at: (share: number) => Mark): void {
  const quarters = [0.25, 0.5, 0.75, 1].map((share, i) => {
    const from = i === 0 ? marks[0] ?? at(0) : at(share - 0.25);
    const to = at(share);
    const top = highestRss(
      marks.filter((m) => m.at > from.at && m.at <= to.at && m.malloc !== null),
    );
    if (top === undefined || top.malloc === null) return `${share * 100}%: no sample`;
    const { sample, malloc, duckdb } = top;
    const rest = sample.anonMiB - top.v8HeapBytes / 1048576 - malloc.systemBytes / 1048576 -
      (duckdb?.residentBytes ?? 0) / 1048576;
    return `${share * 100}%: RSS ${sample.rssMiB.toFixed(0)} = files ${
      sample.fileMiB.toFixed(0)
    } + V8 ${mib(top.v8HeapBytes)} + glibc ${mib(malloc.inUseBytes)} in use (ArrayBuffers ${
      mib(top.arrayBufferBytes)
    }, mapped alone ${mib(malloc.mappedBytes)}) and ${mib(malloc.freeBytes)} freed + ${
      duckdbPart(duckdb)
    } + rest ${rest.toFixed(0)}`;
  });
  console.log(
    `ingest: the RSS by quarter of the run (MiB at each quarter's highest sample; glibc's figures ` +
      `are read every 5 s, so a short quarter's may be older than its RSS): ${quarters.join("; ")}`,
  );
}

/** DuckDB's jemalloc's part of a sample, MiB: resident, and of it allocated. */
function duckdbPart(duckdb: DuckdbAllocatorStats | null): string {
  if (duckdb === null) return "DuckDB's jemalloc (not readable here)";
  return `DuckDB's jemalloc ${mib(duckdb.residentBytes)} resident (${
    mib(duckdb.allocatedBytes)
  } allocated, dirty pages kept ${duckdb.dirtyDecayMs} ms)`;
}

/** The sample with the highest RSS, if any. */
function highestRss(marks: readonly Mark[]): Mark | undefined {
  return marks.reduce<Mark | undefined>(
    (best, m) => best === undefined || m.sample.rssMiB > best.sample.rssMiB ? m : best,
    undefined,
  );
}

/** Prints what the RSS is made of at its highest sample. */
function printRssParts(marks: readonly Mark[]): void {
  const top = highestRss(marks);
  if (top === undefined) return;
  const { sample, malloc, duckdb } = top;
  const mallocMiB = malloc === null ? 0 : malloc.systemBytes / 1048576;
  const rest = sample.anonMiB - top.v8HeapBytes / 1048576 - mallocMiB -
    (duckdb?.residentBytes ?? 0) / 1048576;
  console.log(
    `ingest: the RSS at its highest sample (${sample.rssMiB.toFixed(0)} MiB): mapped files ` +
      `${sample.fileMiB.toFixed(0)} (code: deno, DuckDB's library; the geoip table), anonymous ` +
      `${sample.anonMiB.toFixed(0)} = V8 heaps of all isolates ${mib(top.v8HeapBytes)} + ` +
      (malloc === null
        ? "malloc (not readable here)"
        : `glibc malloc ${mib(malloc.systemBytes)} (${mib(malloc.inUseBytes)} in use, of it ` +
          `ArrayBuffers ${mib(top.arrayBufferBytes)}; ${mib(malloc.freeBytes)} freed and kept)`) +
      ` + ${duckdbPart(duckdb)} + the rest ${rest.toFixed(0)} (thread stacks, V8's own)`,
  );
}

/** Prints the DuckDB file's and its WAL's size once the pipeline has stopped. */
async function printWarehouseSize(dataDir: string, count: number): Promise<void> {
  const size = async (path: string) => {
    try {
      return (await Deno.stat(path)).size;
    } catch (error: unknown) {
      if (error instanceof Deno.errors.NotFound) return 0;
      throw error;
    }
  };
  const file = await size(`${dataDir}/warehouse.duckdb`);
  const wal = await size(`${dataDir}/warehouse.duckdb.wal`);
  console.log(
    `ingest: warehouse on disk after the run: file ${mib(file)} MiB, WAL ${mib(wal)} MiB (${
      ((file + wal) / count).toFixed(0)
    } bytes per event)`,
  );
}

/** Prints what the pipeline's settings let it hold in flight (pipeline/memory_budget.ts). */
function printBudget(t: Target, rssAtStartMiB: number): void {
  const vars = env(t);
  const { pipeline, warehouse } = loadConfig((key) => vars[key] ?? Deno.env.get(key));
  const lines = memoryBudget(pipeline, undefined, duckdbLimitBytes(warehouse));
  const sum = lines.reduce((a, l) => a + l.bytes, 0);
  console.log(
    `memory budget (in flight at most, for 1.1 KB events): ${
      lines.map((l) => `${l.what} ${mib(l.bytes)}`).join(", ")
    }; sum ${mib(sum)} MiB, plus the process at start (${rssAtStartMiB.toFixed(0)} MiB) = ${
      mib(sum + rssAtStartMiB * 1048576)
    } MiB, plus each V8 heap's garbage (see Memory in docs/OPERATIONS.md)`,
  );
}

/** The end-to-end latency histogram's cumulative buckets (upper bound in s, events), ascending. */
function latencyBounds(metricsText: string): (readonly [number, number])[] {
  const family = parsePrometheus(metricsText).find((f) =>
    f.name === "pipeline_end_to_end_latency_seconds"
  );
  const buckets =
    (family?.metrics[0] as { buckets?: Record<string, string> } | undefined)?.buckets ?? {};
  return Object.entries(buckets).map(([le, n]) => [Number(le), Number(n)] as const)
    .sort((a, b) => a[0] - b[0]);
}

/** A reading for the latency trace: events done, events over 1 s, the writer's phase clock. */
async function traceMark(
  p: PipelineProcess,
  startedAt: number,
  dataDir: string,
): Promise<TraceMark> {
  const [status, text] = await Promise.all([
    (await p.get("/status")).json() as Promise<Status>,
    (await p.get("/metrics")).text(),
  ]);
  const bounds = latencyBounds(text);
  const total = bounds[bounds.length - 1]?.[1] ?? 0;
  const within1s = bounds.find(([le]) => le >= 1)?.[1] ?? total;
  return {
    at: performance.now() - startedAt,
    done: status.events.staged + status.events.deadLettered,
    over1s: total - within1s,
    batches: status.events.batches ?? 0,
    phaseMs: status.writes?.phaseMs ?? {},
    walBytes: walBytesIn(dataDir),
  };
}

async function latency(
  t: Target,
  count: number,
  rate: number,
  dataDir: string,
  traceFile: string | undefined,
): Promise<void> {
  console.log(
    `load average before the latency phase: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`,
  );
  const p = await startPipeline({ dataDir, env: env(t) });
  const startedAt = performance.now();
  const trace: TraceMark[] = [];
  let producing = true;
  let producedAtMs = 0;
  const produced = produceEvents({
    brokers: [t.brokers],
    sasl: undefined,
    ssl: false,
    topic: t.topic,
    count,
    rate,
    badFraction: 0,
    seed: 12,
  }).finally(() => {
    producing = false;
    producedAtMs = performance.now() - startedAt;
  });
  while (producing || (trace[trace.length - 1]?.done ?? 0) < count) {
    trace.push(await traceMark(p, startedAt, dataDir));
    await tick();
  }
  await produced;
  const text = await (await p.get("/metrics")).text();
  await p.stop("SIGTERM");
  const bounds = latencyBounds(text);
  const total = bounds[bounds.length - 1]?.[1] ?? 0;
  const pct = (q: number) => (bounds.find(([, n]) => n >= q * total)?.[0] ?? Infinity) * 1000;
  console.log(
    `latency at ${rate} events/s (${count} events): p50 <= ${pct(0.5)} ms, p95 <= ${
      pct(0.95)
    } ms, p99 <= ${pct(0.99)} ms (upper bounds of 50 ms histogram buckets)`,
  );
  let below = 0;
  const shares = bounds.flatMap(([le, n]) => {
    const share = (n - below) / Math.max(1, total);
    below = n;
    return share > 0
      ? [`<=${le === Infinity ? "inf" : le * 1000}ms ${(100 * share).toFixed(1)}%`]
      : [];
  });
  console.log(`latency histogram (events per bucket): ${shares.join(", ")}`);
  console.log(
    `latency trace: the producer sent its last event at ${(producedAtMs / 1000).toFixed(1)} s`,
  );
  printLatencyTrace(trace);
  if (traceFile !== undefined) {
    await Deno.writeTextFile(traceFile, JSON.stringify({ producedAtMs, trace }));
    console.log(`latency trace: readings written to ${traceFile}`);
  }
  console.log(`load average after the run: ${Deno.loadavg().map((l) => l.toFixed(2)).join(" ")}`);
}

function env(t: Target): Record<string, string> {
  return {
    KAFKA_BROKERS: t.brokers,
    KAFKA_TOPIC: t.topic,
    KAFKA_GROUP: t.group,
    CRAWL_ENABLED: "false",
    LOG_LEVEL: "warn",
    DUCKDB_STRING_COMPRESSION: t.stringCompression,
  };
}

/** Runs both measurements. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      count: { type: "string", default: "1000000" },
      rate: { type: "string", default: "10000" },
      "latency-count": { type: "string", default: "450000" },
      "string-compression": { type: "string", default: "auto" },
      "heap-dumps": { type: "string" },
      "dump-kind": { type: "string", default: "heap" },
      "latency-trace": { type: "string" },
    },
  });
  const stringCompression = values["string-compression"];
  if (!isStringCompression(stringCompression)) {
    throw new RangeError(`--string-compression must be auto or off, got ${stringCompression}`);
  }
  const dumpKind = values["dump-kind"];
  if (!isHeapDumpKind(dumpKind)) {
    throw new RangeError(`--dump-kind must be ${HEAP_DUMP_KINDS.join(" or ")}, got ${dumpKind}`);
  }
  console.log(`DUCKDB_STRING_COMPRESSION=${stringCompression}`);
  await withBenchKafka("ingest-bench-", async (kafka) => {
    const a = {
      brokers: kafka.brokers,
      topic: "bench-throughput",
      group: "bench-a",
      stringCompression,
    };
    await kafka.createTopic(a.topic);
    await throughput(
      a,
      Number(values.count),
      `${kafka.scratch}/a`,
      values["heap-dumps"],
      dumpKind,
    );
    const latencyCount = Number(values["latency-count"]);
    if (latencyCount === 0) return;
    const b = {
      brokers: kafka.brokers,
      topic: "bench-latency",
      group: "bench-b",
      stringCompression,
    };
    await kafka.createTopic(b.topic);
    await latency(
      b,
      latencyCount,
      Number(values.rate),
      `${kafka.scratch}/b`,
      values["latency-trace"],
    );
  });
  return 0;
}
