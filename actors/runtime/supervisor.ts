/**
 * A supervisor is data: a strategy, a restart intensity and an ordered list of child specs
 * (actors or supervisors), as in Erlang/OTP. Children start in order and stop in reverse order,
 * each within what is left of one deadline (and its own shutdown time); the whole tree learns
 * that the stop began before the first child is stopped, so from then on nothing below restarts.
 * When a child gives up (its
 * restarts passed its intensity) the supervisor restarts it, and with `rest_for_one` every child
 * after it too; when a child replaced one of its own Workers, `rest_for_one` restarts the children
 * after it. Past its own intensity a supervisor escalates to its parent; a `temporary` child is
 * stopped instead and never escalates. At the root, escalation ends the process with exit code 1
 * and one clear log line.
 */
import { getLogger } from "../../observability/log.ts";
import { RestartIntensity } from "./restart_policy.ts";
import type { ActorSnapshot, ActorState, SupervisorSnapshot } from "./snapshot.ts";

const log = getLogger("supervisor");

/** What a supervisor can own. */
export interface Supervised {
  readonly name: string;
  start(): Promise<void>;
  stop(deadlineMs: number): Promise<void>;
  /**
   * The stop of the tree above began (called on every node before any is stopped): from now on
   * no Worker below is restarted or replaced, and one that ends is not a failure to escalate.
   * The child still takes messages until its own `stop`.
   */
  beginStop(): void;
  /** Replaces every Worker below, delivering again what they held. */
  restartAll(): void;
  snapshot(): ActorSnapshot | SupervisorSnapshot;
  /** Set by the owner: called when the child gives up. */
  onEscalate: (error: Error) => void;
  /** Set by the owner: called after the child replaced one of its Workers by itself. */
  onRestarted: () => void;
}

/**
 * How a supervisor answers a child's failure: `one_for_one` restarts that child only;
 * `rest_for_one` restarts it and every child started after it (they depend on its state).
 */
export type Strategy = "one_for_one" | "rest_for_one";

/** One child, as data. */
export interface ChildSpec {
  readonly child: Supervised;
  /**
   * `permanent` (the default): restarted when it gives up, counted against the intensity.
   * `temporary`: stopped when it gives up, never restarted and never escalated (work that may
   * end without ending the pipeline: the crawler).
   */
  readonly restart?: "permanent" | "temporary";
  /** Most time the child gets to stop (default: what is left of the supervisor's deadline). */
  readonly shutdownMs?: number;
  /** Called once a temporary child gave up and was stopped. */
  readonly onGiveUp?: (error: Error) => void;
}

/** A supervisor as data. */
export interface SupervisorSpec {
  readonly name: string;
  readonly strategy: Strategy;
  /** Children in start order. */
  readonly children: readonly ChildSpec[];
  /** Child restarts this supervisor absorbs in `withinMs` before escalating (default 3). */
  readonly maxRestarts?: number;
  /** Default 60 s: upper levels are strict because restarts multiply across levels. */
  readonly withinMs?: number;
}

/** The root's answer to an escalation: one log line, then exit 1. */
export function exitProcess(error: Error): void {
  log.error("SupervisorEscalatedToRoot", {
    error: error.message,
    cause: error.cause instanceof Error ? error.cause.message : undefined,
    hint: "the pipeline stopped; fix the cause in the log line above and start it again",
  });
  Deno.exit(1);
}

/** One node of the supervision tree, built from its spec. */
export class Supervisor implements Supervised {
  readonly name: string;
  readonly #spec: SupervisorSpec;
  readonly #intensity: RestartIntensity;
  /** Temporary children that gave up (left out of restarts). */
  readonly #gone = new Set<Supervised>();
  readonly #stopping = new Set<Promise<void>>();
  #state: ActorState = "stopped";
  #restarts = 0;
  onEscalate: (error: Error) => void = exitProcess;
  onRestarted: () => void = () => {};

  /** A root supervisor exits the process on escalation unless `onEscalate` is replaced. */
  constructor(spec: SupervisorSpec) {
    this.name = spec.name;
    this.#spec = spec;
    this.#intensity = new RestartIntensity({
      initialDelayMs: 0,
      maxDelayMs: 0,
      jitter: 0,
      maxRestarts: spec.maxRestarts ?? 3,
      withinMs: spec.withinMs ?? 60_000,
    });
    for (const [index, spec] of this.#spec.children.entries()) {
      spec.child.onEscalate = (error) => this.#childEscalated(index, error);
      spec.child.onRestarted = () => this.#childRestarted(index);
    }
  }

  /** Starts the children in order. */
  async start(): Promise<void> {
    this.#state = "starting";
    for (const { child } of this.#spec.children) await child.start();
    this.#state = "running";
  }

  /**
   * Stops the children in reverse start order, all within `deadlineMs`. Every node below learns
   * the stop first: a child whose receiver is stopped before it (a sender upstream of a later
   * child) may end meanwhile, and is then neither restarted nor escalated.
   */
  async stop(deadlineMs: number): Promise<void> {
    this.beginStop();
    const end = Date.now() + deadlineMs;
    for (const spec of [...this.#spec.children].reverse()) {
      const left = Math.max(0, end - Date.now());
      await spec.child.stop(Math.min(left, spec.shutdownMs ?? left));
    }
    await Promise.all(this.#stopping);
    this.#state = "stopped";
  }

  beginStop(): void {
    if (this.#state === "stopping" || this.#state === "stopped") return;
    this.#state = "stopping";
    for (const { child } of this.#spec.children) child.beginStop();
  }

  restartAll(): void {
    this.#intensity.reset();
    for (const { child } of this.#live()) child.restartAll();
    this.#state = "running";
  }

  snapshot(): SupervisorSnapshot {
    return {
      kind: "supervisor",
      name: this.name,
      strategy: this.#spec.strategy,
      state: this.#state,
      restarts: this.#restarts,
      children: this.#spec.children.map((spec) => {
        const snapshot = spec.child.snapshot();
        return spec.restart === "temporary" ? { ...snapshot, temporary: true } : snapshot;
      }),
    };
  }

  /** Children that have not given up for good. */
  #live(from = 0): ChildSpec[] {
    return this.#spec.children.slice(from).filter((spec) => !this.#gone.has(spec.child));
  }

  /** A child replaced one of its Workers: with rest_for_one, the children after it restart. */
  #childRestarted(index: number): void {
    if (this.#spec.strategy !== "rest_for_one" || this.#state !== "running") return;
    for (const { child } of this.#live(index + 1)) {
      log.info("SupervisorSiblingRestarted", {
        supervisor: this.name,
        child: child.name,
        after: this.#spec.children[index]?.child.name,
      });
      child.restartAll();
    }
  }

  #childEscalated(index: number, error: Error): void {
    const spec = this.#spec.children[index];
    if (spec === undefined || this.#state === "stopping" || this.#state === "stopped") return;
    if (spec.restart === "temporary") return this.#giveUp(spec, error);
    if (!this.#intensity.allow(Date.now())) {
      this.#state = "failed";
      this.onEscalate(
        new Error(
          `Supervisor "${this.name}" gave up after ${this.#restarts} restarts of its children`,
          { cause: error },
        ),
      );
      return;
    }
    this.#restarts++;
    const restarted = this.#spec.strategy === "rest_for_one" ? this.#live(index) : [spec];
    for (const { child } of restarted) {
      log.warn("SupervisorChildRestarted", {
        supervisor: this.name,
        child: child.name,
        error: error.message,
      });
      child.restartAll();
    }
  }

  /** Stops a temporary child that gave up, for good; the rest of the tree goes on. */
  #giveUp(spec: ChildSpec, error: Error): void {
    if (this.#gone.has(spec.child)) return;
    this.#gone.add(spec.child);
    log.error("SupervisorChildGaveUp", {
      supervisor: this.name,
      child: spec.child.name,
      error: error.message,
      hint: "a temporary child: it stays stopped and the rest of the tree goes on",
    });
    const stopped: Promise<void> = spec.child.stop(0)
      .catch((cause: unknown) =>
        log.error("SupervisorChildStopFailed", { child: spec.child.name, error: cause })
      )
      .finally(() => this.#stopping.delete(stopped));
    this.#stopping.add(stopped);
    spec.onGiveUp?.(error);
  }
}
