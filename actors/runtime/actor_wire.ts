/**
 * The runtime's own messages between a host and its actor Workers (`sys.*`), declared once.
 * Host to worker: init, deliver, emit credit, the answer to an ask, recycle, stop. Worker to host:
 * ready, emit, ask, done, recycle, failed, stopped. `sys.recycle` moves large buffers back
 * towards the thread that allocated them, for reuse (`buffer_pool.ts`). Application messages
 * travel inside `sys.deliver`, `sys.emit` and `sys.ask` (a request the actor makes of another
 * actor, which its owner routes).
 */
import { isRecord } from "./guards.ts";

/** A failure as plain data (Error objects lose their class across Workers). */
export interface WireError {
  readonly name: string;
  readonly message: string;
  readonly stack: string;
}

/** Host to worker. */
export type HostToWorker =
  | {
    readonly type: "sys.init";
    readonly actor: string;
    readonly member: number;
    readonly incarnation: number;
    readonly args: unknown;
  }
  | {
    readonly type: "sys.deliver";
    readonly id: number;
    readonly name: string;
    readonly body: unknown;
    /**
     * Buffers of the body (a copy the host made) the Worker hands back with its `sys.done` once
     * its handler has finished (`PoolSpec.release`), moved, so the host reuses them.
     */
    readonly handBack?: readonly ArrayBuffer[];
  }
  /** Buffers this Worker's thread allocated, handed back (moved) for its pool (`buffer_pool.ts`). */
  | { readonly type: "sys.recycle"; readonly buffers: readonly ArrayBuffer[] }
  | { readonly type: "sys.credit"; readonly count: number }
  | { readonly type: "sys.answer"; readonly id: number; readonly reply: unknown }
  | { readonly type: "sys.answerFailed"; readonly id: number; readonly error: WireError }
  | { readonly type: "sys.stop" };

/** Worker to host. */
export type WorkerToHost =
  | { readonly type: "sys.ready" }
  | { readonly type: "sys.emit"; readonly name: string; readonly body: unknown }
  | { readonly type: "sys.ask"; readonly id: number; readonly name: string; readonly body: unknown }
  | {
    readonly type: "sys.done";
    readonly id: number;
    readonly reply: unknown;
    /** CPU time of the Worker's thread so far, µs (see `observability/thread_cpu.ts`). */
    readonly cpuMicros: number;
    /** The Worker's V8 heap plus the ArrayBuffers it holds, bytes, now. */
    readonly heapBytes: number;
    /** The ArrayBuffers part of `heapBytes`. */
    readonly arrayBufferBytes: number;
    /** The delivery's `handBack` buffers, moved back to the host. */
    readonly handedBack?: readonly ArrayBuffer[];
  }
  /**
   * Buffers of messages this Worker received and has used up (`ActorContext.recycle`), moved to
   * the host, which sends them on to the actor that made them (`PoolSpec.returnTo`).
   */
  | { readonly type: "sys.recycle"; readonly buffers: readonly ArrayBuffer[] }
  | { readonly type: "sys.failed"; readonly id: number | null; readonly error: WireError }
  | { readonly type: "sys.stopped" };

/** Checks a value received by a worker. */
export function isHostToWorker(v: unknown): v is HostToWorker {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case "sys.init":
      return typeof v.actor === "string" && typeof v.member === "number" &&
        typeof v.incarnation === "number";
    case "sys.deliver":
      return typeof v.id === "number" && typeof v.name === "string" &&
        (v.handBack === undefined || isBuffers(v.handBack));
    case "sys.recycle":
      return isBuffers(v.buffers);
    case "sys.credit":
      return typeof v.count === "number";
    case "sys.answer":
      return typeof v.id === "number";
    case "sys.answerFailed":
      return typeof v.id === "number" && isWireError(v.error);
    case "sys.stop":
      return true;
    default:
      return false;
  }
}

/** Checks a value received by a host. */
export function isWorkerToHost(v: unknown): v is WorkerToHost {
  if (!isRecord(v)) return false;
  switch (v.type) {
    case "sys.ready":
    case "sys.stopped":
      return true;
    case "sys.emit":
      return typeof v.name === "string";
    case "sys.ask":
      return typeof v.id === "number" && typeof v.name === "string";
    case "sys.done":
      return typeof v.id === "number" && typeof v.cpuMicros === "number" &&
        typeof v.heapBytes === "number" && typeof v.arrayBufferBytes === "number" &&
        (v.handedBack === undefined || isBuffers(v.handedBack));
    case "sys.recycle":
      return isBuffers(v.buffers);
    case "sys.failed":
      return (v.id === null || typeof v.id === "number") && isWireError(v.error);
    default:
      return false;
  }
}

function isBuffers(v: unknown): v is readonly ArrayBuffer[] {
  return Array.isArray(v) && v.every((b) => b instanceof ArrayBuffer);
}

function isWireError(v: unknown): v is WireError {
  return isRecord(v) && typeof v.name === "string" && typeof v.message === "string" &&
    typeof v.stack === "string";
}

/** Converts anything thrown into plain data. */
export function toWireError(error: unknown): WireError {
  if (error instanceof Error) {
    return { name: error.name, message: error.message, stack: error.stack ?? "" };
  }
  return { name: "Error", message: String(error), stack: "" };
}

/** Rebuilds an Error from plain data, keeping the remote stack. */
export function fromWireError(wire: WireError): Error {
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.stack !== "") error.stack = wire.stack;
  return error;
}
