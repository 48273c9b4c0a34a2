/**
 * The worker side of an actor: installs the message handler before anything is awaited, starts
 * the behaviour with the host's init arguments, handles delivered messages one at a time in
 * arrival order (those the behaviour declares `concurrent` beside the loop; `Behaviour.prepare`
 * steps ahead of their turn when a handler asks), answers each with `sys.done`, and reports any failure
 * as `sys.failed` before the host ends the Worker. Emits wait for credit, so a fast actor cannot
 * flood its host; asks wait for the answer its host routes.
 */
import {
  isolateArrayBufferBytes,
  isolateHeapBytes,
  threadCpuMicros,
} from "../../observability/thread_cpu.ts";
import { threadBuffers, worthReturning } from "./buffer_pool.ts";
import { dumpHeapOnSignal } from "../../observability/heap_dump.ts";
import {
  fromWireError,
  type HostToWorker,
  isHostToWorker,
  toWireError,
  type WorkerToHost,
} from "./actor_wire.ts";
import {
  type BodyOf,
  checkMessage,
  checkReply,
  type Guard,
  type NoSpecs,
  type Protocol,
  type ReplyOf,
  type Specs,
} from "./protocol.ts";

/** What an actor's behaviour can do besides answering messages. */
export interface ActorContext<Out extends Specs, Asks extends Specs = NoSpecs> {
  readonly actor: string;
  /** Index of this Worker in its pool. */
  readonly member: number;
  /** 0 for the first start, then one more per restart. */
  readonly incarnation: number;
  /** Sends a message to the host; resolves when the host has taken it (credit). */
  emit<K extends keyof Out & string>(
    name: K,
    body: BodyOf<Out, K>,
    transfer?: Transferable[],
  ): Promise<void>;
  /** Asks another actor through the host (see `Protocol.asks`); resolves with its reply. */
  ask<K extends keyof Asks & string>(name: K, body: BodyOf<Asks, K>): Promise<ReplyOf<Asks, K>>;
  /**
   * Runs now the prepare step (`Behaviour.prepare`) of the messages delivered while a handler
   * runs, which are otherwise prepared at their turn. A handler calls it once it waits for work
   * off this thread (the writer: while DuckDB commits), so the next message's JS work fills that
   * wait instead of delaying the handler's own steps. Never throws: a failed step fails its
   * message at its turn.
   */
  prepareDelivered(): void;
  /**
   * Hands buffers of messages this actor received, and will never read again, back towards the
   * actor that made them, for reuse there (`buffer_pool.ts`). They move at once: every view of
   * them here reads as empty afterwards.
   */
  recycle(buffers: readonly ArrayBuffer[]): void;
}

/** What the prepare step of a message yields, by message name (none by default). */
export type Prepared = Record<string, unknown>;

/** No message is prepared. */
export type NothingPrepared = Record<never, never>;

/** One handler per accepted message; the returned value is the reply. */
export type Handlers<In extends Specs, P extends Prepared = NothingPrepared> = {
  [K in keyof In & string]: (
    body: BodyOf<In, K>,
    prepared: K extends keyof P ? P[K] : undefined,
  ) => ReplyOf<In, K> extends undefined ? void | Promise<void>
    : ReplyOf<In, K> | Promise<ReplyOf<In, K>>;
};

/**
 * Work on a message that can be done before its turn: when a handler running meanwhile calls
 * `ActorContext.prepareDelivered` (the writer builds the next batch's data while the one before
 * commits), else at its turn. Its result is the handler's second argument. A throw fails the
 * message, at its turn, as its handler would.
 */
export type Preparers<In extends Specs, P extends Prepared> = {
  [K in keyof P & keyof In & string]: (body: BodyOf<In, K>) => P[K];
};

/** A started actor: its handlers and what to do at an orderly stop. */
export interface Behaviour<In extends Specs, P extends Prepared = NothingPrepared> {
  readonly handlers: Handlers<In, P>;
  /** Messages prepared on delivery (see `Preparers`). */
  readonly prepare?: Preparers<In, P>;
  /**
   * Messages handled beside the mailbox loop: started in arrival order, answered when they end,
   * while the messages after them go on (an export's long read must not hold up the writes). A
   * stop waits for them; a throw fails the actor like any handler's.
   */
  readonly concurrent?: readonly (keyof In & string)[];
  stop?(): void | Promise<void>;
}

/**
 * How many emits may be unanswered before `emit` waits (the host grants more as it takes them).
 * One: the host answers once the receiver's mailbox took the message, so a sender waits exactly
 * while downstream is full. A wider window parked that many more messages in the host for each
 * sender (with 4, up to 68 MB of closed batches behind a busy writer) and bought no throughput:
 * the host's answer takes well under a millisecond, an enricher's chunk about 15 ms.
 */
export const EMIT_WINDOW = 1;

/** A delivered message waiting for its turn, with the outcome of its check and prepare step. */
interface Delivered {
  readonly message: Extract<HostToWorker, { type: "sys.deliver" }>;
  ready: { ok: true; value: unknown } | { ok: false; error: unknown } | undefined;
}

interface WorkerScope {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: WorkerToHost, transfer?: Transferable[]): void;
  addEventListener(type: "error" | "unhandledrejection", listener: (event: Event) => void): void;
  close(): void;
}

/**
 * Runs the calling Worker module as an actor. Call at the top level of the worker module.
 * `start` receives the init arguments (checked by `args`) and returns the behaviour.
 */
export function serve<
  In extends Specs,
  Out extends Specs,
  A,
  Asks extends Specs = NoSpecs,
  P extends Prepared = NothingPrepared,
>(
  protocol: Protocol<In, Out, Asks>,
  args: Guard<A>,
  start: (args: A, ctx: ActorContext<Out, Asks>) => Behaviour<In, P> | Promise<Behaviour<In, P>>,
): void {
  const scope = globalThis as unknown as WorkerScope;
  const inbox: Delivered[] = [];
  let behaviour: Behaviour<In, P> | undefined;
  let busy = false;
  let failed = false;
  let stopping = false;
  let credit = EMIT_WINDOW;
  const creditWaiters: (() => void)[] = [];
  /** Handlers running beside the loop (`Behaviour.concurrent`). */
  const beside = new Set<Promise<void>>();
  /** Asks waiting for their answer, by id. */
  const asked = new Map<number, { name: string; answer: PromiseWithResolvers<unknown> }>();
  let nextAsk = 1;

  const post = (message: WorkerToHost, transfer?: Transferable[]) =>
    scope.postMessage(message, transfer);
  const fail = (id: number | null, error: unknown) => {
    if (failed) return;
    failed = true;
    post({ type: "sys.failed", id, error: toWireError(error) });
  };

  const ctx = (init: Extract<HostToWorker, { type: "sys.init" }>): ActorContext<Out, Asks> => ({
    actor: init.actor,
    member: init.member,
    incarnation: init.incarnation,
    emit: async (name, body, transfer) => {
      checkMessage(protocol.name, "emits", protocol.emits, name, body);
      while (credit === 0) await new Promise<void>((resolve) => creditWaiters.push(resolve));
      credit--;
      post({ type: "sys.emit", name, body }, transfer);
    },
    prepareDelivered: () => {
      for (const delivered of inbox) prepare(delivered);
    },
    recycle: (buffers) => {
      const moved = worthReturning(buffers);
      if (moved.length > 0) post({ type: "sys.recycle", buffers: moved }, moved);
    },
    ask: async (name, body) => {
      checkMessage(protocol.name, "asks", protocol.asks ?? {}, name, body);
      const id = nextAsk++;
      const answer = Promise.withResolvers<unknown>();
      asked.set(id, { name, answer });
      post({ type: "sys.ask", id, name, body });
      return await answer.promise as ReplyOf<Asks, typeof name>;
    },
  });

  const answered = (id: number, settle: (answer: PromiseWithResolvers<unknown>) => void) => {
    const waiting = asked.get(id);
    if (waiting === undefined) return;
    asked.delete(id);
    settle(waiting.answer);
  };

  let finished = false;
  // Runs the stop hook once, whichever of `sys.stop` and the end of the inbox comes last.
  const finish = async () => {
    if (finished) return;
    finished = true;
    try {
      await Promise.all(beside);
      await behaviour?.stop?.();
      post({ type: "sys.stopped" });
    } catch (error) {
      fail(null, error);
    }
  };

  /** Checks a delivered message and runs its prepare step, once; a throw is kept for its turn. */
  const prepare = (delivered: Delivered) => {
    if (delivered.ready !== undefined || behaviour === undefined || failed) return;
    const { name, body } = delivered.message;
    try {
      checkMessage(protocol.name, "accepts", protocol.accepts, name, body);
      const step = behaviour.prepare?.[name] as ((body: unknown) => unknown) | undefined;
      delivered.ready = { ok: true, value: step?.(body) };
    } catch (error: unknown) {
      delivered.ready = { ok: false, error };
    }
  };

  const pump = async () => {
    if (busy || behaviour === undefined || failed) return;
    busy = true;
    for (let next = inbox.shift(); next !== undefined && !failed; next = inbox.shift()) {
      const delivered = next;
      const message = delivered.message;
      const handle = async () => {
        try {
          prepare(delivered);
          const ready = delivered.ready;
          if (ready === undefined) {
            throw new Error(`Actor "${protocol.name}" handled ${message.name} before it started`);
          }
          if (!ready.ok) throw ready.error;
          const handler = behaviour?.handlers[message.name] as (
            body: unknown,
            prepared: unknown,
          ) => unknown;
          const reply = await handler(message.body, ready.value);
          checkReply(protocol.name, protocol.accepts, message.name, reply);
          // The host's copy goes back to the host, which made it and reuses it.
          const handedBack = worthReturning(message.handBack ?? []);
          post({
            type: "sys.done",
            id: message.id,
            reply,
            cpuMicros: threadCpuMicros(),
            heapBytes: isolateHeapBytes(),
            arrayBufferBytes: isolateArrayBufferBytes(),
            ...(handedBack.length > 0 ? { handedBack } : {}),
          }, handedBack);
        } catch (error) {
          fail(message.id, error);
        }
      };
      if (behaviour.concurrent?.includes(message.name) === true) {
        const running: Promise<void> = handle().finally(() => beside.delete(running));
        beside.add(running);
      } else await handle();
    }
    busy = false;
    if (stopping && !failed) await finish();
  };

  const receive = async (message: HostToWorker) => {
    switch (message.type) {
      case "sys.init": {
        if (!args(message.args)) {
          throw new TypeError(`Actor "${protocol.name}" got init arguments of the wrong shape`);
        }
        dumpHeapOnSignal(`${message.actor}-${message.member}`);
        behaviour = await start(message.args, ctx(message));
        post({ type: "sys.ready" });
        return await pump();
      }
      case "sys.deliver":
        inbox.push({ message, ready: undefined });
        return await pump();
      case "sys.credit":
        credit += message.count;
        for (const wake of creditWaiters.splice(0)) wake();
        return;
      case "sys.answer": {
        const name = asked.get(message.id)?.name ?? "";
        return answered(message.id, (answer) => {
          try {
            checkReply(protocol.name, protocol.asks ?? {}, name, message.reply);
            answer.resolve(message.reply);
          } catch (error) {
            answer.reject(error);
          }
        });
      }
      case "sys.answerFailed":
        return answered(message.id, (answer) => answer.reject(fromWireError(message.error)));
      case "sys.recycle":
        return threadBuffers.give(message.buffers);
      case "sys.stop":
        stopping = true;
        if (!busy && behaviour !== undefined) await finish();
        return;
      default:
        message satisfies never;
    }
  };

  // Installed before any await: messages posted right after the Worker starts are not lost.
  scope.onmessage = (event: MessageEvent) => {
    const data: unknown = event.data;
    if (!isHostToWorker(data)) {
      fail(null, new TypeError(`Actor "${protocol.name}" got a message that is not sys.*`));
      return;
    }
    receive(data).catch((error: unknown) => fail(null, error));
  };
  scope.addEventListener("error", (event) => {
    event.preventDefault();
    fail(null, event instanceof ErrorEvent ? event.error ?? event.message : event);
  });
  scope.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    fail(null, (event as PromiseRejectionEvent).reason);
  });
}
