/**
 * Worker of `bench -- route`: a source that packs chunks (as the consumer does) or a sink that
 * checks and takes them (as an enricher does), moving them either through the host or over a
 * `MessagePort` the host wired. Plain Workers, no runtime: the bench measures the hop itself.
 */
import { isRecord } from "../actors/runtime/guards.ts";
import { threadCpuMicros } from "../observability/thread_cpu.ts";
import { chunkTransferables, isPackedChunk, packChunk } from "../messages/packed_chunk.ts";

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: unknown, transfer?: Transferable[]): void;
}
const scope = globalThis as unknown as WorkerScope;

/** One chunk's worth of 1.1 KB events, the value bytes copied per chunk as a consumer's are. */
function chunkAt(id: number, events: number, template: Uint8Array) {
  const record = { offset: 0, timestampMs: Date.now(), value: template };
  const records = Array.from(
    { length: events },
    (_, i) => ({ ...record, offset: id * events + i }),
  );
  const position = {
    topicId: null,
    prevOffset: null,
    fromCommit: false,
    firstOffset: id * events,
    lastOffset: id * events + events - 1,
    logEnd: 0,
  };
  return packChunk({ chunkId: id, topic: "t", partition: 0, epoch: 0, seq: id, position }, records);
}

function source(count: number, events: number, port: MessagePort | null) {
  const template = new TextEncoder().encode("x".repeat(1_100));
  let credit = port === null ? 1 : 2;
  let next = 0;
  const pump = () => {
    while (credit > 0 && next < count) {
      credit--;
      const chunk = chunkAt(next++, events, template);
      if (port === null) {
        scope.postMessage({ type: "emit", body: chunk }, chunkTransferables(chunk));
      } else {port.postMessage(
          { type: "deliver", id: chunk.chunkId, body: chunk },
          chunkTransferables(chunk),
        );}
    }
    if (next === count) scope.postMessage({ type: "cpu", cpuMicros: threadCpuMicros() });
  };
  const credited = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (isRecord(data) && data.type === "credit") {
      credit++;
      pump();
    }
  };
  if (port === null) scope.onmessage = credited;
  else port.onmessage = credited;
  pump();
}

function sink(port: MessagePort | null) {
  let bytes = 0;
  const take = (data: unknown) => {
    if (!isRecord(data) || data.type !== "deliver" || !isPackedChunk(data.body)) {
      throw new TypeError("route sink got something that is not a packed chunk");
    }
    bytes += data.body.values[0] ?? 0;
    scope.postMessage({ type: "done", id: data.id, cpuMicros: threadCpuMicros(), bytes });
    port?.postMessage({ type: "credit" });
  };
  if (port !== null) port.onmessage = (event) => take(event.data);
  else scope.onmessage = (event) => take(event.data);
}

scope.onmessage = (event: MessageEvent) => {
  const data: unknown = event.data;
  if (!isRecord(data)) throw new TypeError("route worker got no init record");
  const port = data.port instanceof MessagePort ? data.port : null;
  if (data.role === "source" && typeof data.count === "number" && typeof data.events === "number") {
    source(data.count, data.events, port);
  } else if (data.role === "sink") sink(port);
  else throw new TypeError(`route worker got an unknown role: ${String(data.role)}`);
};
