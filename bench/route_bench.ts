/**
 * `deno task bench -- route [--chunks N] [--events E]`: what a data hop costs when the host routes
 * it (as the actor runtime does: the host reads each chunk, checks it, keeps it for redelivery
 * and posts a copy to the receiver) next to a `MessagePort` between the two Workers (the sender
 * transfers the chunk; the host hears only a few bytes per chunk). Pipeline-sized chunks: 2,000
 * events of 1.1 KB, credit as the runtime gives it (window 1 per sender, 2 per receiver).
 */
import { isRecord } from "../actors/runtime/guards.ts";
import {
  chunkTransferables,
  copiedChunk,
  isPackedChunk,
  type PackedChunk,
} from "../messages/packed_chunk.ts";
import { threadCpuMicros } from "../observability/thread_cpu.ts";

const MODULE = new URL("./route_worker.ts", import.meta.url).href;
const RECEIVER_CAPACITY = 2;

interface Figures {
  seconds: number;
  hostMicros: number;
  sourceMicros: number;
  sinkMicros: number;
  peakHostHeap: number;
}

function option(args: string[], name: string, fallback: number): number {
  const at = args.indexOf(name);
  const value = at < 0 ? fallback : Number(args[at + 1]);
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} takes a positive integer, got "${args[at + 1]}"`);
  }
  return value;
}

type Mode = "host" | "host-slice" | "host-transfer" | "port";

/** Each mode with the line it is reported under, in the order they run. */
const MODES: readonly (readonly [Mode, string])[] = [
  ["host", "through the host (runtime today)"],
  ["host-slice", "through the host, kept, a slice moved"],
  ["host-transfer", "through the host, transferred on"],
  ["port", "over a MessagePort (host hears done)"],
];

async function measure(mode: Mode, chunks: number, events: number): Promise<Figures> {
  const source = new Worker(MODULE, { type: "module", name: "route-source" });
  const sink = new Worker(MODULE, { type: "module", name: "route-sink" });
  const finished = Promise.withResolvers<void>();
  const figures: Figures = {
    seconds: 0,
    hostMicros: 0,
    sourceMicros: 0,
    sinkMicros: 0,
    peakHostHeap: 0,
  };
  /** Host routing: what the runtime keeps per receiver for redelivery, and what waits for room. */
  const held = new Map<number, unknown>();
  const waiting: { id: number; body: unknown }[] = [];
  let done = 0;
  let sourceDone = false;
  const sample = () => {
    const { heapUsed, external } = Deno.memoryUsage();
    figures.peakHostHeap = Math.max(figures.peakHostHeap, heapUsed + external);
  };
  const dispatch = () => {
    while (held.size < RECEIVER_CAPACITY) {
      const next = waiting.shift();
      if (next === undefined) return;
      if (mode === "host") {
        held.set(next.id, next.body);
        sink.postMessage({ type: "deliver", id: next.id, body: next.body });
      } else if (mode === "host-slice") {
        // Kept, and one copy made by the host and moved, instead of serialized and read back.
        held.set(next.id, next.body);
        const copy = copiedChunk(next.body as PackedChunk);
        sink.postMessage({ type: "deliver", id: next.id, body: copy }, chunkTransferables(copy));
      } else {
        // Not kept: a lost chunk is read again from its source; the buffers move on.
        held.set(next.id, undefined);
        const body = next.body as PackedChunk;
        sink.postMessage({ type: "deliver", id: next.id, body }, chunkTransferables(body));
      }
      source.postMessage({ type: "credit" });
    }
  };
  const end = () => {
    if (done === chunks && sourceDone) finished.resolve();
  };
  sink.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isRecord(data) || data.type !== "done" || typeof data.id !== "number") return;
    held.delete(data.id);
    figures.sinkMicros = typeof data.cpuMicros === "number" ? data.cpuMicros : 0;
    done++;
    if (done % 16 === 0) sample();
    dispatch();
    end();
  };
  source.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isRecord(data)) return;
    if (data.type === "cpu" && typeof data.cpuMicros === "number") {
      figures.sourceMicros = data.cpuMicros;
      sourceDone = true;
      return end();
    }
    if (data.type !== "emit" || !isPackedChunk(data.body)) {
      throw new TypeError("route source emitted something that is not a packed chunk");
    }
    waiting.push({ id: data.body.chunkId, body: data.body });
    dispatch();
  };
  const hostBefore = threadCpuMicros();
  const start = performance.now();
  if (mode !== "port") {
    sink.postMessage({ role: "sink", port: null });
    source.postMessage({ role: "source", count: chunks, events, port: null });
  } else {
    const channel = new MessageChannel();
    sink.postMessage({ role: "sink", port: channel.port2 }, [channel.port2]);
    source.postMessage({ role: "source", count: chunks, events, port: channel.port1 }, [
      channel.port1,
    ]);
  }
  await finished.promise;
  figures.seconds = (performance.now() - start) / 1000;
  figures.hostMicros = threadCpuMicros() - hostBefore;
  source.terminate();
  sink.terminate();
  return figures;
}

function report(mode: string, f: Figures, chunks: number, events: number): void {
  const total = chunks * events;
  const per = (micros: number) => (micros / total).toFixed(3).padStart(6);
  console.log(
    `${mode.padEnd(34)} ${(total / f.seconds).toFixed(0).padStart(9)} events/s; CPU µs/event: ` +
      `host ${per(f.hostMicros)}, source ${per(f.sourceMicros)}, sink ${per(f.sinkMicros)}; ` +
      `host heap peak ${(f.peakHostHeap / 2 ** 20).toFixed(0)} MiB`,
  );
}

/** Runs both modes twice, alternating, so load drift shows. */
export async function run(args: string[]): Promise<number> {
  const chunks = option(args, "--chunks", 300);
  const events = option(args, "--events", 2_000);
  console.log(`route: ${chunks} chunks of ${events} events of 1.1 KB, source -> sink`);
  for (let round = 0; round < 2; round++) {
    for (const [mode, label] of MODES) {
      report(label, await measure(mode, chunks, events), chunks, events);
    }
  }
  return 0;
}
