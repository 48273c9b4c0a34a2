/**
 * `deno task bench -- runtime`: messages per second through a chain of three relay actors
 * (host -> A -> B -> C -> host), each hop credit-controlled: single small messages, batches of
 * 1,000 numbers, and 1 MiB buffers transferred out of each Worker.
 */
import { ActorPool } from "../actors/runtime/actor_pool.ts";
import { RELAY_PROTOCOL } from "./relay_protocol.ts";

type In = typeof RELAY_PROTOCOL.accepts;
type Out = typeof RELAY_PROTOCOL.emits;
type Relay = ActorPool<In, Out>;
const MODULE = new URL("./relay_actor.ts", import.meta.url).href;

function chain(onArrive: () => void): Relay[] {
  const relays: Relay[] = [];
  for (let i = 0; i < 3; i++) {
    relays.push(
      new ActorPool<In, Out>({
        name: `relay${i}`,
        module: MODULE,
        protocol: RELAY_PROTOCOL,
        capacity: 16,
        onFailure: { kind: "redeliver" },
        onEmit: async (m) => {
          const next = relays[i + 1];
          if (next === undefined) return onArrive();
          await next.send(m.type, m.body as never);
        },
      }),
    );
  }
  return relays;
}

async function measure(
  label: string,
  count: number,
  unit: number,
  send: (r: Relay, i: number) => Promise<void>,
) {
  let arrived = 0;
  const all = Promise.withResolvers<void>();
  const relays = chain(() => {
    if (++arrived === count) all.resolve();
  });
  await Promise.all(relays.map((r) => r.start()));
  const first = relays[0];
  if (first === undefined) throw new Error("empty chain");
  const start = performance.now();
  for (let i = 0; i < count; i++) await send(first, i);
  await all.promise;
  const seconds = (performance.now() - start) / 1000;
  for (const r of relays) await r.stop(5_000);
  console.log(
    `${label.padEnd(34)} ${(count / seconds).toFixed(0).padStart(9)} msgs/s` +
      `  ${((count * unit) / seconds).toFixed(0).padStart(11)} items/s  (${count} msgs, ${
        seconds.toFixed(2)
      } s)`,
  );
}

/** Runs the three measurements. */
export async function run(_args: string[]): Promise<number> {
  console.log("runtime: host -> A -> B -> C -> host, capacity 16 per hop");
  await measure("single message {n}", 50_000, 1, (r, n) => r.send("relay.one", { n }));
  const items = Array.from({ length: 1_000 }, (_, i) => i);
  await measure("batch of 1,000 numbers", 5_000, 1_000, (r) => r.send("relay.batch", { items }));
  await measure(
    "1 MiB buffer, transferred on emit",
    1_000,
    1,
    (r) => r.send("relay.buffer", { bytes: new Uint8Array(1 << 20) }),
  );
  return 0;
}
