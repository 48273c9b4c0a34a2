/**
 * What an actor pool is made of, as data: its spec (module, protocol, sizes, restart policy and
 * the callbacks that route what it emits), the envelope each message travels in, and the state
 * kept per member Worker.
 */
import type { MessageOf, Protocol, Specs } from "./protocol.ts";
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

/** How to run an actor, as data plus the callbacks that route what it emits. */
export interface PoolSpec<In extends Specs, Out extends Specs> {
  readonly name: string;
  /** URL of the worker module (it calls `serve`). */
  readonly module: string;
  readonly protocol: Protocol<In, Out>;
  /** Workers behind the address (default 1). */
  readonly size?: number;
  /** Messages each Worker may hold unfinished (default 4); the mailbox bound is size × this. */
  readonly capacity?: number;
  /** Init arguments, plain data. */
  readonly args?: unknown;
  readonly restart?: RestartPolicy;
  /** Crashes in a row one message may cause before it is dead-lettered (default 3). */
  readonly poisonAfter?: number;
  /** Receives emitted messages; the emitting Worker waits (credit) until this resolves. */
  readonly onEmit?: (message: MessageOf<Out>, member: number) => void | Promise<void>;
  /**
   * Called when a member is replaced: an actor whose state others depend on (the batcher's open
   * batch) uses it to restart those too, as OTP's rest_for_one does.
   */
  readonly onRestart?: (member: number) => void;
  /** Receives poison messages (default: logged). */
  readonly onDeadLetter?: (letter: RuntimeDeadLetter) => void | Promise<void>;
}

/** One message on its way, kept until its receiver finished it (for redelivery). */
export interface Envelope {
  readonly id: number;
  readonly name: string;
  readonly body: unknown;
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
  };
}
