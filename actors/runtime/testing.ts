/**
 * Test harness: runs an actor's behaviour in-process, without Workers, with the same boundary
 * checks the runtime applies, and records what it emits. Behaviour tests use this; the runtime's
 * own tests use real Workers.
 */
import {
  type BodyOf,
  checkMessage,
  checkReply,
  type MessageOf,
  type Protocol,
  type ReplyOf,
  type Specs,
} from "./protocol.ts";
import type { ActorContext, Behaviour } from "./serve.ts";

/** An actor behaviour running in the test's own thread. */
export interface InProcessActor<In extends Specs, Out extends Specs> {
  /** Delivers a message and returns the reply, as a Worker would. */
  send<K extends keyof In & string>(name: K, body: BodyOf<In, K>): Promise<ReplyOf<In, K>>;
  /** Everything emitted so far, in order. */
  readonly emitted: MessageOf<Out>[];
  /** Runs the stop hook. */
  stop(): Promise<void>;
}

/** Starts `start` with `args` as member 0, incarnation 0. */
export async function inProcess<In extends Specs, Out extends Specs, A>(
  protocol: Protocol<In, Out>,
  start: (args: A, ctx: ActorContext<Out>) => Behaviour<In> | Promise<Behaviour<In>>,
  args: A,
): Promise<InProcessActor<In, Out>> {
  const emitted: MessageOf<Out>[] = [];
  const ctx: ActorContext<Out> = {
    actor: protocol.name,
    member: 0,
    incarnation: 0,
    emit: (name, body) => {
      checkMessage(protocol.name, "emits", protocol.emits, name, body);
      emitted.push({ type: name, body } as MessageOf<Out>);
      return Promise.resolve();
    },
  };
  const behaviour = await start(args, ctx);
  return {
    emitted,
    async send(name, body) {
      checkMessage(protocol.name, "accepts", protocol.accepts, name, body);
      const handler = behaviour.handlers[name] as (body: unknown) => unknown;
      const reply = await handler(body);
      checkReply(protocol.name, protocol.accepts, name, reply);
      return reply as ReplyOf<In, typeof name>;
    },
    async stop() {
      await behaviour.stop?.();
    },
  };
}
