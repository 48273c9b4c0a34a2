/**
 * Snapshots for tests of what reads the supervision tree (readiness, progress, metrics, the
 * status page): a running actor and a supervisor, changed field by field.
 */
import type { ActorSnapshot, SupervisorSnapshot } from "./snapshot.ts";

/** A running single-member actor with an empty mailbox of 2, with `over` applied. */
export function actorSnapshot(name: string, over: Partial<ActorSnapshot> = {}): ActorSnapshot {
  return {
    kind: "actor",
    name,
    state: "running",
    members: 1,
    running: 1,
    restarts: 0,
    mailboxDepth: 0,
    mailboxCapacity: 2,
    processed: 0,
    deadLetters: 0,
    lastError: null,
    ...over,
  };
}

/** A running one-for-one supervisor named `name` over `children`. */
export function supervisorSnapshot(
  name: string,
  children: SupervisorSnapshot["children"],
): SupervisorSnapshot {
  return {
    kind: "supervisor",
    name,
    strategy: "one_for_one",
    state: "running",
    restarts: 0,
    children,
  };
}
