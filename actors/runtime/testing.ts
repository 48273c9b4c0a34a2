/**
 * Test harness: runs an actor's behaviour in-process, without Workers, with the same boundary
 * checks the runtime applies, and records what it emits; what it asks of other actors goes to
 * the test's `ask`. Behaviour tests use this; the runtime's own tests use real Workers.
 */
import {
  type BodyOf,
  checkMessage,
  checkReply,
  type MessageOf,
  type NoSpecs,
  type Protocol,
  type ReplyOf,
  type Specs,
} from "./protocol.ts";
import type { ActorContext, Behaviour, NothingPrepared, Prepared } from "./serve.ts";

/** An actor behaviour running in the test's own thread. */
export interface InProcessActor<In extends Specs, Out extends Specs> {
  /** Delivers a message and returns the reply, as a Worker would. */
  send<K extends keyof In & string>(name: K, body: BodyOf<In, K>): Promise<ReplyOf<In, K>>;
  /** Everything emitted so far, in order. */
  readonly emitted: MessageOf<Out>[];
  /** Buffers handed back (`ActorContext.recycle`), moved as a Worker would move them. */
  readonly recycled: ArrayBuffer[];
  /** Runs the stop hook. */
  stop(): Promise<void>;
}

/** How the test answers what the actor asks of others, and hears what it emits as it does. */
export interface InProcessOptions<Asks extends Specs, Out extends Specs = NoSpecs> {
  readonly ask?: (message: MessageOf<Asks>) => Promise<unknown>;
  /** Called with each emitted message (after it is recorded), e.g. to await a count of them. */
  readonly onEmit?: (message: MessageOf<Out>) => void;
  /**
   * When the runtime takes each emitted message (the promise `ctx.emit` returns); at once when not
   * given. A test holds it to play a busy receiver, whose full mailbox the runtime waits on.
   */
  readonly taken?: (message: MessageOf<Out>) => Promise<void>;
}

/**
 * Starts `start` with `args` as member 0, incarnation 0. `send` prepares its message
 * (`Behaviour.prepare`) and then handles it, as a Worker does once the message's turn comes.
 */
export async function inProcess<
  In extends Specs,
  Out extends Specs,
  A,
  Asks extends Specs = NoSpecs,
  P extends Prepared = NothingPrepared,
>(
  protocol: Protocol<In, Out, Asks>,
  start: (args: A, ctx: ActorContext<Out, Asks>) => Behaviour<In, P> | Promise<Behaviour<In, P>>,
  args: A,
  options: InProcessOptions<Asks, Out> = {},
): Promise<InProcessActor<In, Out>> {
  const emitted: MessageOf<Out>[] = [];
  const recycled: ArrayBuffer[] = [];
  const asks = protocol.asks ?? {};
  const ctx: ActorContext<Out, Asks> = {
    actor: protocol.name,
    member: 0,
    incarnation: 0,
    emit: (name, body) => {
      checkMessage(protocol.name, "emits", protocol.emits, name, body);
      const message = { type: name, body } as MessageOf<Out>;
      emitted.push(message);
      options.onEmit?.(message);
      return options.taken?.(message) ?? Promise.resolve();
    },
    // Each `send` prepares its own message: nothing waits in a mailbox to be prepared ahead.
    prepareDelivered: () => {},
    recycle: (buffers) => {
      for (const buffer of new Set(buffers)) if (!buffer.detached) recycled.push(buffer.transfer());
    },
    ask: async (name, body) => {
      checkMessage(protocol.name, "asks", asks, name, body);
      if (options.ask === undefined) throw new Error(`The test answers no asks (asked ${name})`);
      const reply = await options.ask({ type: name, body } as MessageOf<Asks>);
      checkReply(protocol.name, asks, name, reply);
      return reply as ReplyOf<Asks, typeof name>;
    },
  };
  const behaviour = await start(args, ctx);
  return {
    emitted,
    recycled,
    async send(name, body) {
      checkMessage(protocol.name, "accepts", protocol.accepts, name, body);
      const step = behaviour.prepare?.[name] as ((body: unknown) => unknown) | undefined;
      const prepared = step?.(body);
      const handler = behaviour.handlers[name] as (body: unknown, prepared: unknown) => unknown;
      const reply = await handler(body, prepared);
      checkReply(protocol.name, protocol.accepts, name, reply);
      return reply as ReplyOf<In, typeof name>;
    },
    async stop() {
      await behaviour.stop?.();
    },
  };
}
