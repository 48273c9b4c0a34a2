/**
 * What an actor pool is made of, as data: its spec (module, protocol, sizes, restart policy and
 * the callbacks that route what it emits), the envelope each message travels in, and the state
 * kept per member Worker.
 */
import type { OnDemand } from "./on_demand.ts";
import type { BodyOf, MessageOf, NoSpecs, Protocol, Specs } from "./protocol.ts";
import type { RestartPolicy } from "./restart_policy.ts";
import type { ActorState } from "./snapshot.ts";
import type { WorkerHandle } from "./worker_handle.ts";

/** A message that kept crashing its receiver, with the last error. */
export interface RuntimeDeadLetter {
  readonly actor: string;
  readonly name: string;
  readonly body: unknown;
  readonly error: Error;
  readonly attempts: number;
}

/**
 * What a pool does with a message whose receiver keeps crashing on it. There is no default: each
 * pool says which guarantee it keeps, because a shared default silently decides what happens to
 * the data path's events.
 */
export type FailurePolicy =
  /**
   * Never give the message up: after every crash it is delivered again (after the restart
   * backoff), for as long as it takes. For actors that must not lose what they hold (the writer,
   * the batcher); a persistent crash shows as an actor stuck restarting, never as lost events.
   */
  | { readonly kind: "redeliver" }
  /**
   * After `after` crashes in a row, hand the message to `onPoison`, which must account for every
   * event it carries (the enricher pool turns a chunk into one dead letter per event). The
   * mailbox slot stays taken until `onPoison` resolves; if it rejects, the pool escalates.
   */
  | {
    readonly kind: "poison";
    readonly after: number;
    readonly onPoison: (letter: RuntimeDeadLetter) => Promise<void>;
  }
  /**
   * After `after` crashes in a row, drop the message with one error log line. Only for work that
   * is safe to lose and is asked for again (a crawler page, a geoip refresh).
   */
  | { readonly kind: "drop"; readonly after: number };

/** A body made ready to post: its buffers are `transfer`red, not copied. */
export interface Movable<T> {
  readonly body: T;
  readonly transfer: Transferable[];
}

/**
 * Per message type, how to copy a kept message's buffers for its delivery. The copy (one memcpy
 * per buffer, on the host) is moved to the Worker, instead of the body being serialized and read
 * back (two copies, the second on the receiving Worker's thread) while the host keeps the
 * original for redelivery.
 */
export type Copiers<In extends Specs> = {
  readonly [K in keyof In & string]?: (body: BodyOf<In, K>) => Movable<BodyOf<In, K>>;
};

/**
 * Per message type, the buffers of a kept message that nothing holds once its receiver has
 * finished it: the receiving Worker hands the copy it was given (see `Copiers`) back to the host
 * with its `sys.done`, for the host's next copies (`buffer_pool.ts`), and the host gives its
 * original back to the actor that made it (`returnTo`) or frees it (`freeBuffers`), instead of
 * leaving them to their isolates' next full collections: a message waits in a mailbox long enough
 * to be promoted to the old generation, and its dead buffers piled up there. Only for messages
 * whose handler keeps nothing of its body once it has replied.
 */
export type Releasers<In extends Specs> = {
  readonly [K in keyof In & string]?: (body: BodyOf<In, K>) => ArrayBuffer[];
};

/** How to run an actor, as data plus the callbacks that route what it emits. */
export interface PoolSpec<In extends Specs, Out extends Specs, Asks extends Specs = NoSpecs> {
  readonly name: string;
  /** URL of the worker module (it calls `serve`). */
  readonly module: string;
  readonly protocol: Protocol<In, Out, Asks>;
  /** Workers behind the address (default 1). */
  readonly size?: number;
  /** Messages each Worker may hold unfinished (default 4); the mailbox bound is size × this. */
  readonly capacity?: number;
  /** Init arguments, plain data. */
  readonly args?: unknown;
  readonly restart?: RestartPolicy;
  /**
   * Start Workers only for requests and end them once idle (`on_demand.ts`), for an actor off
   * the data path that is asked now and then. Unset: every Worker runs from `start` to `stop`.
   */
  readonly onDemand?: OnDemand;
  /** What happens to a message that keeps crashing its receiver (required: no shared default). */
  readonly onFailure: FailurePolicy;
  /**
   * Set on a pool whose messages its source can read again (the consumer re-reads everything
   * past its commit): a message sent with a transfer list is not kept once delivered (its buffers
   * move to the Worker, no copy), and when a member stops holding such messages this is called
   * once, so the source reads them again. A pool without it refuses transfer lists.
   */
  readonly onLost?: () => void;
  /** Copies of kept messages for delivery (see `Copiers`); others are posted as they are. */
  readonly copy?: Copiers<In>;
  /** Buffers of kept messages to give up once finished (see `Releasers`); none by default. */
  readonly release?: Releasers<In>;
  /**
   * Where the buffers of messages this actor used up go: kept messages' originals once finished
   * (`release`), and what its Workers hand back (`ActorContext.recycle`); usually
   * `recycle` of the actor that made them, so its thread reuses them. Freed when unset.
   */
  readonly returnTo?: (buffers: readonly ArrayBuffer[]) => void;
  /** Receives emitted messages; the emitting Worker waits (credit) until this resolves. */
  readonly onEmit?: (message: MessageOf<Out>, member: number) => void | Promise<void>;
  /**
   * Answers what a Worker asks of other actors (`Protocol.asks`), usually by asking the actor
   * that answers it; the reply goes back to the Worker, checked against the protocol.
   */
  readonly onAsk?: (message: MessageOf<Asks>, member: number) => Promise<unknown>;
}

/**
 * One message on its way, kept until its receiver finished it (for redelivery), unless it was
 * sent with a transfer list: then it is given up once delivered (see `PoolSpec.onLost`).
 */
export interface Envelope {
  readonly id: number;
  readonly name: string;
  readonly body: unknown;
  /** Buffers moved to the receiving Worker on delivery (the body is not kept). */
  readonly transfer?: Transferable[] | undefined;
  attempts: number;
  readonly reply?: { resolve: (value: unknown) => void; reject: (error: Error) => void };
  /** A broadcast copy: meant for one member only, outside the mailbox bound, never redelivered. */
  readonly pinned?: boolean;
}

/** One Worker slot of a pool, across its incarnations. */
export interface Member {
  readonly index: number;
  handle: WorkerHandle | undefined;
  incarnation: number;
  state: ActorState;
  readonly inFlight: Map<number, Envelope>;
  consecutiveFailures: number;
  restartTimer: ReturnType<typeof setTimeout> | undefined;
  ready: PromiseWithResolvers<void> | undefined;
  stopped: PromiseWithResolvers<void> | undefined;
  /** CPU time of the current incarnation's thread, last reported, and of those before it, µs. */
  cpuMicros: number;
  cpuMicrosBefore: number;
  /** Highest heap (V8 heap plus ArrayBuffers) any incarnation reported, bytes. */
  peakHeapBytes: number;
  /** The current incarnation's heap and its ArrayBuffers part, last reported, bytes. */
  heapBytes: number;
  arrayBufferBytes: number;
}

/** A member slot before its first start. */
export function newMember(index: number): Member {
  return {
    index,
    handle: undefined,
    incarnation: -1,
    state: "stopped",
    inFlight: new Map(),
    consecutiveFailures: 0,
    restartTimer: undefined,
    ready: undefined,
    stopped: undefined,
    cpuMicros: 0,
    cpuMicrosBefore: 0,
    peakHeapBytes: 0,
    heapBytes: 0,
    arrayBufferBytes: 0,
  };
}
