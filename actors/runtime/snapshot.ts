/**
 * Introspection as plain data: one snapshot of the supervision tree with each actor's state,
 * restarts, mailbox depth, messages processed and last error; served by /status and /metrics.
 */

/**
 * Lifecycle of an actor (or of one of its Workers). `idle`: an on-demand actor (see
 * `on_demand.ts`) with no Worker and nothing to do; it starts one for the next request, so it is
 * not down.
 */
export type ActorState =
  | "starting"
  | "running"
  | "idle"
  | "restarting"
  | "stopping"
  | "stopped"
  | "failed";

/** One actor (all Workers of a pool together). */
export interface ActorSnapshot {
  readonly kind: "actor";
  readonly name: string;
  readonly state: ActorState;
  readonly members: number;
  readonly running: number;
  readonly restarts: number;
  readonly mailboxDepth: number;
  readonly mailboxCapacity: number;
  readonly processed: number;
  readonly deadLetters: number;
  readonly lastError: string | null;
  /**
   * CPU time of the actor's Worker threads (all members and incarnations), µs, as last reported
   * with a finished message (a thread's work since its last finished message is not in it yet).
   */
  readonly cpuMicros?: number;
  /** Highest V8 heap plus ArrayBuffers each member reported, summed over members, bytes. */
  readonly peakHeapBytes?: number;
  /** V8 heap plus ArrayBuffers, and the ArrayBuffers part, each member last reported, summed. */
  readonly heapBytes?: number;
  readonly arrayBufferBytes?: number;
  /** Set on a temporary child (see `ChildSpec.restart`): its trouble is not the pipeline's. */
  readonly temporary?: boolean;
  /**
   * Set on an on-demand actor (`PoolSpec.onDemand`): its Workers run only while it has requests,
   * so fewer than `members` running is not a fault while its state is `running` or `idle`.
   */
  readonly onDemand?: boolean;
}

/** A supervisor and its children, in start order. */
export interface SupervisorSnapshot {
  readonly kind: "supervisor";
  readonly name: string;
  /** How it answers a child's failure (see `Strategy` in supervisor.ts). */
  readonly strategy: "one_for_one" | "rest_for_one";
  readonly state: ActorState;
  readonly restarts: number;
  readonly children: readonly (ActorSnapshot | SupervisorSnapshot)[];
  /** Set on a temporary child (see `ChildSpec.restart`). */
  readonly temporary?: boolean;
}

/**
 * Every actor of a tree, depth first; with `permanentOnly`, not those under a temporary child
 * (the stages the pipeline's readiness is made of).
 */
export function actorsOf(
  tree: SupervisorSnapshot,
  options: { readonly permanentOnly?: boolean } = {},
): ActorSnapshot[] {
  return tree.children.flatMap((c) =>
    options.permanentOnly === true && c.temporary === true
      ? []
      : c.kind === "actor"
      ? [c]
      : actorsOf(c, options)
  );
}

/**
 * The actors whose mailbox is full. Behind a stage that does not move every mailbox upstream of it
 * fills, so these name the stuck stage (the one they all lead to) and what it holds back.
 */
export function fullMailboxes(tree: SupervisorSnapshot): string[] {
  return actorsOf(tree).filter((a) => a.mailboxDepth >= a.mailboxCapacity).map((a) => a.name);
}
