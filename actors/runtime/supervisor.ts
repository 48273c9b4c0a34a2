/**
 * A supervisor owns an ordered list of children (actors or supervisors): starts them in order,
 * stops them in reverse order within one deadline, and answers a child's escalation by
 * restarting that child, up to its own intensity; past it, it escalates to its parent. At the
 * root, escalation ends the process with exit code 1 and one clear log line.
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
  /** Replaces every Worker below, delivering again what they held. */
  restartAll(): void;
  snapshot(): ActorSnapshot | SupervisorSnapshot;
  /** Set by the owner: called when the child gives up. */
  onEscalate: (error: Error) => void;
}

/** A supervisor's own restart intensity, as data. */
export interface SupervisorSpec {
  readonly name: string;
  /** Child restarts this supervisor absorbs in `withinMs` (default 3) before escalating. */
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

/** One node of the supervision tree (one_for_one: only the failing child restarts). */
export class Supervisor implements Supervised {
  readonly name: string;
  readonly #children: Supervised[] = [];
  readonly #intensity: RestartIntensity;
  #state: ActorState = "stopped";
  #restarts = 0;
  onEscalate: (error: Error) => void;

  /** A root supervisor exits the process on escalation unless `onEscalate` is replaced. */
  constructor(spec: SupervisorSpec) {
    this.name = spec.name;
    this.#intensity = new RestartIntensity({
      initialDelayMs: 0,
      maxDelayMs: 0,
      jitter: 0,
      maxRestarts: spec.maxRestarts ?? 3,
      withinMs: spec.withinMs ?? 60_000,
    });
    this.onEscalate = exitProcess;
  }

  /** Adds a child (started after the ones added before it); returns it. */
  add<T extends Supervised>(child: T): T {
    child.onEscalate = (error) => this.#childEscalated(child, error);
    this.#children.push(child);
    return child;
  }

  /** Starts the children in order. */
  async start(): Promise<void> {
    this.#state = "starting";
    for (const child of this.#children) await child.start();
    this.#state = "running";
  }

  /** Stops the children in reverse start order, all within `deadlineMs`. */
  async stop(deadlineMs: number): Promise<void> {
    this.#state = "stopping";
    const end = Date.now() + deadlineMs;
    for (const child of [...this.#children].reverse()) {
      await child.stop(Math.max(0, end - Date.now()));
    }
    this.#state = "stopped";
  }

  restartAll(): void {
    this.#intensity.reset();
    for (const child of this.#children) child.restartAll();
    this.#state = "running";
  }

  snapshot(): SupervisorSnapshot {
    return {
      kind: "supervisor",
      name: this.name,
      state: this.#state,
      restarts: this.#restarts,
      children: this.#children.map((c) => c.snapshot()),
    };
  }

  #childEscalated(child: Supervised, error: Error): void {
    if (this.#state === "stopping" || this.#state === "stopped") return;
    if (!this.#intensity.allow(Date.now())) {
      this.#state = "failed";
      this.onEscalate(
        new Error(
          `Supervisor "${this.name}" gave up after ${this.#restarts} restarts of its children`,
          {
            cause: error,
          },
        ),
      );
      return;
    }
    this.#restarts++;
    log.warn("SupervisorChildRestarted", {
      supervisor: this.name,
      child: child.name,
      error: error.message,
    });
    child.restartAll();
  }
}
