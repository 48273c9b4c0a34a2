/**
 * The control plane while `start` starts: the server answers as soon as the process holds the
 * DATA_DIR lock and the token, and until the pipeline runs every route answers 503 with
 * "starting: <stage>: <reason>": the step under way (the dev broker, the topic, the geoip table),
 * then the pipeline's own conditions while its actors start (a writer that cannot open the
 * warehouse says so). Once the pipeline runs, the running pipeline's handlers answer.
 */
import type { Pipeline } from "../pipeline/pipeline.ts";
import { type ControlHandlers, Unavailable } from "../control/control_server.ts";

/** Control handlers that say "starting" until `running` hands them over. */
export class StartingControl {
  #step = { stage: "start", reason: "loading" };
  #pipeline: Pipeline | undefined;
  #running: ControlHandlers | undefined;

  /** The step under way before the pipeline starts (the stage it belongs to, what it does). */
  step(stage: string, reason: string): void {
    this.#step = { stage, reason };
  }

  /** The pipeline whose actors are starting: its readiness says what it waits for. */
  starting(pipeline: Pipeline): void {
    this.#pipeline = pipeline;
  }

  /** The pipeline runs: `handlers` answer from now on. */
  running(handlers: ControlHandlers): void {
    this.#running = handlers;
  }

  /** Why the pipeline is not running yet: "starting: <stage>: <reason>". */
  reason(now = Date.now()): string {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) return `starting: ${this.#step.stage}: ${this.#step.reason}`;
    const verdict = pipeline.readiness.verdict(pipeline.snapshot(), now);
    // Between the actors' start and the hand-over the tree may already run.
    return verdict.reason?.startsWith("starting: ") === true
      ? verdict.reason
      : "starting: pipeline: handing over to the running pipeline";
  }

  #unavailable(): never {
    throw new Unavailable(this.reason());
  }

  /** The handlers to serve: the running pipeline's, or "starting" answers. */
  readonly handlers: ControlHandlers = {
    export: () => this.#running?.export() ?? Promise.reject(new Unavailable(this.reason())),
    live: () => this.#running?.live() ?? { live: false, reason: this.reason() },
    ready: () => this.#running?.ready() ?? { ready: false, reason: this.reason() },
    metrics: () => this.#running?.metrics() ?? this.#unavailable(),
    status: () => this.#running?.status() ?? this.#unavailable(),
  };
}
