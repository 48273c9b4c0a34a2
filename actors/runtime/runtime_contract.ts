/**
 * The contract every actor's behaviour passes under the runtime's rules, run in process (the
 * runtime's own tests cover the Worker side): each message it is sent is answered once, with a
 * reply its protocol accepts, and what it emits meanwhile fits its protocol; its stop hook ends
 * within the actor's stop deadline; a throw in a handler reaches the caller as that error (the
 * runtime then reports `sys.failed`), never a quiet success; and once stopped it leaves no timer,
 * interval or resource behind (Deno's sanitizers fail the test when it does).
 */
import assert from "node:assert/strict";
import type { MessageOf, NoSpecs, Protocol, Specs } from "./protocol.ts";
import type { ActorContext, Behaviour, NothingPrepared, Prepared } from "./serve.ts";
import { inProcess, type InProcessActor, type InProcessOptions } from "./testing.ts";

/** An actor's init arguments, the messages of its ordinary work, and what to clean up after. */
export interface Setup<In extends Specs, A> {
  readonly args: A;
  readonly messages: readonly MessageOf<In>[];
  cleanup(): Promise<void>;
}

/** One actor as the contract runs it. */
export interface RuntimeSubject<
  In extends Specs,
  Out extends Specs,
  A,
  Asks extends Specs,
  P extends Prepared = NothingPrepared,
> {
  readonly protocol: Protocol<In, Out, Asks>;
  readonly start: (
    args: A,
    ctx: ActorContext<Out, Asks>,
  ) => Behaviour<In, P> | Promise<Behaviour<In, P>>;
  /** Fresh init arguments and the messages of ordinary work, in order. */
  setup(): Setup<In, A> | Promise<Setup<In, A>>;
  /** Init arguments (its own test fault) and a message that makes a handler throw. */
  throwing?(): Promise<{ args: A; message: MessageOf<In>; cleanup(): Promise<void> }>;
  /** What the actor asks of others, answered by the test. */
  readonly options?: InProcessOptions<Asks, Out>;
  /** How long its stop may take (the supervisor's shutdown time for it). */
  readonly stopDeadlineMs: number;
}

/** Sends `message` to `actor`, counting the answers it gets. */
async function sendCounted<In extends Specs, Out extends Specs>(
  actor: InProcessActor<In, Out>,
  message: MessageOf<In>,
): Promise<number> {
  let answers = 0;
  const send = actor.send as (name: string, body: unknown) => Promise<unknown>;
  await send(message.type, message.body).then(() => answers++);
  return answers;
}

/** Registers the contract's tests for one actor. */
export function runtimeContract<
  In extends Specs,
  Out extends Specs,
  A,
  Asks extends Specs = NoSpecs,
  P extends Prepared = NothingPrepared,
>(
  name: string,
  subject: RuntimeSubject<In, Out, A, Asks, P>,
): void {
  const sanitized = { sanitizeOps: true, sanitizeResources: true } as const;
  Deno.test({
    name:
      `${name}: answers each message once, stops within its deadline and leaves no timer behind`,
    ...sanitized,
    fn: async () => {
      const { args, messages, cleanup } = await subject.setup();
      try {
        const actor = await inProcess(subject.protocol, subject.start, args, subject.options);
        try {
          for (const message of messages) {
            assert.equal(await sendCounted(actor, message), 1, `${message.type} answered once`);
          }
        } finally {
          const started = performance.now();
          let timer: ReturnType<typeof setTimeout> | undefined;
          const late = new Promise<"late">((resolve) => {
            timer = setTimeout(() => resolve("late"), subject.stopDeadlineMs);
          });
          const outcome = await Promise.race([actor.stop().then(() => "stopped" as const), late]);
          clearTimeout(timer);
          assert.equal(
            outcome,
            "stopped",
            `${name} stopped in ${Math.round(performance.now() - started)} ms, ` +
              `past its ${subject.stopDeadlineMs} ms deadline`,
          );
        }
      } finally {
        await cleanup();
      }
    },
  });
  const throwing = subject.throwing;
  if (throwing === undefined) return;
  Deno.test({
    name: `${name}: a throw in a handler reaches the caller as that error`,
    ...sanitized,
    fn: async () => {
      const { args, message, cleanup } = await throwing();
      try {
        const actor = await inProcess(subject.protocol, subject.start, args, subject.options);
        try {
          const send = actor.send as (name: string, body: unknown) => Promise<unknown>;
          await assert.rejects(send(message.type, message.body), Error);
        } finally {
          await actor.stop();
        }
      } finally {
        await cleanup();
      }
    },
  });
}
