/**
 * Introspection as plain data: one snapshot of the supervision tree with each actor's state,
 * restarts, mailbox depth, messages processed and last error; served by /status and /metrics.
 */

/** Lifecycle of an actor (or of one of its Workers). */
export type ActorState = "starting" | "running" | "restarting" | "stopping" | "stopped" | "failed";

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
}

/** A supervisor and its children, in start order. */
export interface SupervisorSnapshot {
  readonly kind: "supervisor";
  readonly name: string;
  readonly state: ActorState;
  readonly restarts: number;
  readonly children: readonly (ActorSnapshot | SupervisorSnapshot)[];
}

/** Every actor of a tree, depth first. */
export function actorsOf(tree: SupervisorSnapshot): ActorSnapshot[] {
  return tree.children.flatMap((c) => c.kind === "actor" ? [c] : actorsOf(c));
}
