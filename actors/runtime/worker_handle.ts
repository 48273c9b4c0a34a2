/**
 * The host side of one actor Worker incarnation: starts it with its init message, posts
 * deliveries and emit credit, and turns everything the Worker says (or its death) into calls on
 * `WorkerEvents`, in arrival order. Emits are routed one at a time on their own lane, because a
 * routed emit may wait for downstream room: replies and failures must not queue behind it (a
 * consumer blocked on a full pipeline still answers how far it has read). Asks are answered each
 * on its own, whenever the actor asked answers. A crash never reaches
 * `main.ts` as an uncaught error: the error event is prevented and reported as a failure.
 */
import { fromWireError, isWorkerToHost, toWireError, type WorkerToHost } from "./actor_wire.ts";

/** What the owner of a Worker learns from it. */
export interface WorkerEvents {
  ready(): void;
  /** An emitted message; the Worker gets its credit back when this resolves. */
  emit(name: string, body: unknown): Promise<void>;
  /** A request the Worker makes of another actor; the answer goes back to it. */
  ask(name: string, body: unknown): Promise<unknown>;
  /** A message finished; `usage` is the Worker's CPU time so far and its heap now. */
  done(id: number, reply: unknown, usage: WorkerUsage): void;
  /** The Worker failed (processing `id`, when known) and must be replaced. */
  failed(id: number | null, error: Error): void;
  stopped(): void;
  /** Buffers the Worker handed back: those of the delivery's copy, or `sys.recycle`'s. */
  recycled(buffers: readonly ArrayBuffer[], kind: "handedBack" | "used"): void;
}

/** What a Worker reports of itself with each finished message. */
export interface WorkerUsage {
  readonly cpuMicros: number;
  /** V8 heap plus ArrayBuffers, bytes, now. */
  readonly heapBytes: number;
  /** The ArrayBuffers part of `heapBytes`. */
  readonly arrayBufferBytes: number;
}

/** Identity of one incarnation. */
export interface WorkerIdentity {
  readonly actor: string;
  readonly member: number;
  readonly incarnation: number;
}

/** One running Worker of an actor. */
export class WorkerHandle {
  readonly #worker: Worker;
  readonly #events: WorkerEvents;
  #chain: Promise<void> = Promise.resolve();
  /** Emits, in order; each may wait for downstream credit. */
  #emits: Promise<void> = Promise.resolve();
  #dead = false;

  constructor(module: string, identity: WorkerIdentity, args: unknown, events: WorkerEvents) {
    this.#events = events;
    this.#worker = new Worker(module, {
      type: "module",
      name: `${identity.actor}#${identity.member}`,
    });
    this.#worker.onmessage = (event: MessageEvent) => {
      const data: unknown = event.data;
      if (isWorkerToHost(data) && data.type === "sys.emit") {
        this.#emits = this.#emits.then(() => this.#receive(data));
      } else if (isWorkerToHost(data) && data.type === "sys.ask") {
        this.#answer(data.id, data.name, data.body);
      } else if (isWorkerToHost(data) && data.type === "sys.recycle") {
        this.#events.recycled(data.buffers, "used");
      } else this.#chain = this.#chain.then(() => this.#receive(data));
    };
    this.#worker.onerror = (event: ErrorEvent) => {
      // Without this the error would end the whole process instead of reaching the supervisor.
      event.preventDefault();
      const error = event.error instanceof Error ? event.error : new Error(event.message);
      this.#chain = this.#chain.then(() => this.#fail(null, error));
    };
    this.#worker.onmessageerror = () => {
      this.#chain = this.#chain.then(() =>
        this.#fail(
          null,
          new TypeError(`Actor "${identity.actor}" sent a message that cannot be read`),
        )
      );
    };
    this.#worker.postMessage({ type: "sys.init", ...identity, args });
  }

  /**
   * Delivers an application message, moving the `transfer` buffers instead of copying them; the
   * Worker hands the `handBack` ones (moved too) back with its `sys.done`.
   */
  deliver(
    id: number,
    name: string,
    body: unknown,
    transfer: Transferable[] = [],
    handBack?: readonly ArrayBuffer[],
  ): void {
    if (this.#dead) return;
    const message = handBack === undefined
      ? { type: "sys.deliver", id, name, body }
      : { type: "sys.deliver", id, name, body, handBack };
    this.#worker.postMessage(message, transfer);
  }

  /** Moves buffers this Worker's thread made back to it, for reuse; false when it is gone. */
  recycle(buffers: readonly ArrayBuffer[]): boolean {
    if (this.#dead) return false;
    this.#worker.postMessage({ type: "sys.recycle", buffers }, [...buffers]);
    return true;
  }

  /** Asks the Worker to finish what it holds, run its stop hook and report `stopped`. */
  stop(): void {
    if (!this.#dead) this.#worker.postMessage({ type: "sys.stop" });
  }

  /** Ends the Worker at once; nothing it says afterwards is heard. */
  terminate(): void {
    this.#dead = true;
    this.#worker.terminate();
  }

  async #receive(data: unknown): Promise<void> {
    if (this.#dead) return;
    if (!isWorkerToHost(data)) {
      return this.#fail(null, new TypeError("Actor Worker sent a message that is not sys.*"));
    }
    const message: WorkerToHost = data;
    switch (message.type) {
      case "sys.ready":
        return this.#events.ready();
      case "sys.emit":
        try {
          await this.#events.emit(message.name, message.body);
        } catch (error) {
          // An emit that does not fit the protocol, or that downstream refused: the Worker fails.
          return this.#fail(null, error instanceof Error ? error : new Error(String(error)));
        }
        if (!this.#dead) this.#worker.postMessage({ type: "sys.credit", count: 1 });
        return;
      case "sys.ask":
        return this.#answer(message.id, message.name, message.body);
      case "sys.done":
        if (message.handedBack !== undefined) {
          this.#events.recycled(message.handedBack, "handedBack");
        }
        return this.#events.done(message.id, message.reply, message);
      case "sys.recycle":
        return this.#events.recycled(message.buffers, "used");
      case "sys.failed":
        return this.#fail(message.id, fromWireError(message.error));
      case "sys.stopped":
        return this.#events.stopped();
      default:
        message satisfies never;
    }
  }

  /** Routes an ask through the owner and posts its answer (or why it failed) back. */
  #answer(id: number, name: string, body: unknown): void {
    this.#events.ask(name, body).then(
      (reply) => {
        if (!this.#dead) this.#worker.postMessage({ type: "sys.answer", id, reply });
      },
      (error: unknown) => {
        if (!this.#dead) {
          this.#worker.postMessage({ type: "sys.answerFailed", id, error: toWireError(error) });
        }
      },
    );
  }

  #fail(id: number | null, error: Error): void {
    if (this.#dead) return;
    this.terminate();
    this.#events.failed(id, error);
  }
}
