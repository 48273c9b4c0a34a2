/** A process whose only actor cannot start: the root supervisor must end it with exit code 1. */
import { ActorPool } from "../actor_pool.ts";
import { Supervisor } from "../supervisor.ts";
import { CALM, COUNTER_PROTOCOL } from "./counter_protocol.ts";

const root = new Supervisor({
  name: "root",
  strategy: "one_for_one",
  maxRestarts: 1,
  children: [{
    child: new ActorPool({
      name: "doomed",
      module: new URL("./counter_actor.ts", import.meta.url).href,
      protocol: COUNTER_PROTOCOL,
      args: { ...CALM, failInit: true },
      onFailure: { kind: "redeliver" },
      restart: { initialDelayMs: 1, maxDelayMs: 5, jitter: 0, maxRestarts: 2, withinMs: 60_000 },
    }),
  }],
});
await root.start(); // never resolves: the supervisor exits the process first
