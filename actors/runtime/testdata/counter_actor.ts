/** Worker entry of the runtime's test actor (see counter_protocol.ts). */
import { takeBytes, threadBuffers } from "../buffer_pool.ts";
import { serve } from "../serve.ts";
import { COUNTER_PROTOCOL, type CounterArgs, isCounterArgs } from "./counter_protocol.ts";

type Protocol = typeof COUNTER_PROTOCOL;
/** `counter.stage` is prepared into the index of its prepare step. */
type Prepared = { "counter.stage": number };

serve<Protocol["accepts"], Protocol["emits"], CounterArgs, Protocol["asks"], Prepared>(
  COUNTER_PROTOCOL,
  isCounterArgs,
  (args, ctx) => {
    if (args.failInit) throw new Error("counter cannot start (failInit)");
    let handled = 0;
    const released = Promise.withResolvers<void>();
    let prepares = 0;
    let previousBytes: Uint8Array | undefined;
    const pause = () =>
      args.delayMs > 0 ? new Promise((resolve) => setTimeout(resolve, args.delayMs)) : undefined;
    return {
      handlers: {
        "counter.work": async ({ n }) => {
          handled++;
          if (args.failEvery > 0 && handled % args.failEvery === 0) {
            throw new Error(`counter fails on its message #${handled}`);
          }
          const poisoned = args.poisonUntilIncarnation === 0 ||
            ctx.incarnation < args.poisonUntilIncarnation;
          if (n === args.poison && poisoned) throw new Error(`work ${n} is poison`);
          await pause();
          await ctx.emit("counter.worked", { n, member: ctx.member, incarnation: ctx.incarnation });
        },
        "counter.bytes": async ({ n, bytes }) => {
          const poisoned = args.poisonUntilIncarnation === 0 ||
            ctx.incarnation < args.poisonUntilIncarnation;
          if (n === args.poison && poisoned) throw new Error(`bytes ${n} are poison`);
          const previous = previousBytes;
          previousBytes = bytes;
          await ctx.emit("counter.worked", {
            n,
            member: bytes.byteLength,
            incarnation: ctx.incarnation,
            ...(previous === undefined ? {} : { previousFreed: previous.byteLength === 0 }),
          });
        },
        "counter.double": ({ n }) => ({ doubled: n * 2 }),
        "counter.spend": async ({ n, bytes }) => {
          ctx.recycle(bytes.buffer instanceof ArrayBuffer ? [bytes.buffer] : []);
          await ctx.emit("counter.worked", {
            n,
            member: ctx.member,
            incarnation: ctx.incarnation,
            previousFreed: bytes.byteLength === 0,
          });
        },
        "counter.pooled": ({ n }) => {
          if (n > 0) takeBytes(n);
          return { kept: threadBuffers.size, reused: threadBuffers.reused };
        },
        // Never finishes: the Worker dies from a timer, outside any handler's try.
        "counter.dieLater": () =>
          new Promise<void>(() => {
            setTimeout(() => {
              throw new Error("counter died outside a handler");
            }, 0);
          }),
        "counter.hang": () => new Promise<void>(() => {}),
        "counter.emitUndeclared": async () => {
          await (ctx.emit as (name: string, body: unknown) => Promise<void>)("counter.secret", {});
        },
        "counter.relay": ({ n }) => ctx.ask("counter.lookup", { n }),
        "counter.await": async () => {
          await released.promise;
          return { doubled: handled };
        },
        "counter.release": () => released.resolve(),
        "counter.stage": async ({ n }, index) => {
          let nextPreparedFirst = true; // odd: not looked at
          if (n % 2 === 0) {
            await ctx.ask("counter.lookup", { n }); // answered once the next one is delivered
            ctx.prepareDelivered();
            nextPreparedFirst = prepares > index + 1;
          }
          await ctx.emit("counter.staged", { n, nextPreparedFirst });
        },
      },
      prepare: {
        "counter.stage": ({ n }) => {
          const index = prepares++;
          if (n < 0) throw new Error(`counter cannot prepare stage ${n}`);
          return index;
        },
      },
      concurrent: ["counter.await"],
      stop: () => ctx.emit("counter.stopped", { name: `${ctx.actor}#${ctx.member}` }),
    };
  },
);
