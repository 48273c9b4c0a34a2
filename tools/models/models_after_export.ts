/**
 * `MODELS_AFTER_EXPORT=true`: runs the models after each successful export that wrote rows, one
 * run at a time (exports finishing during a run ask for one more run afterwards, coalesced),
 * and keeps the last run for /status. dbt runs as a child process, so ingestion never waits.
 */
import { getLogger } from "../../observability/log.ts";
import {
  BronzeMissingError,
  type ModelsRunRecord,
  readLastModelsRun,
  runModels,
} from "./models_run.ts";
import type { ModelsTarget } from "./models_target.ts";

const log = getLogger("models");

/** What /status shows of the models. */
export interface ModelsStatus {
  readonly afterExport: boolean;
  readonly running: boolean;
  /** The last run (this process's, else the one recorded on disk), or null. */
  readonly lastRun: unknown;
}

/** Runs the models on `target` after exports, when enabled. */
export class ModelsAfterExport {
  #running: Promise<void> | undefined;
  #again = false;
  #lastRun: unknown = null;

  constructor(
    private readonly target: ModelsTarget | undefined,
    private readonly enabled: boolean,
    private readonly run: (target: ModelsTarget) => Promise<ModelsRunRecord> = runModels,
  ) {}

  /** Loads the last recorded run (so /status shows it from the start). */
  async load(): Promise<void> {
    if (this.target !== undefined) {
      this.#lastRun = await readLastModelsRun(this.target.stateDir) ?? null;
    }
  }

  /** Tells the schedule an export of `rows` rows finished. */
  exported(rows: number): void {
    if (!this.enabled || this.target === undefined || rows === 0) return;
    if (this.#running !== undefined) {
      this.#again = true;
      return;
    }
    this.#running = this.#loop(this.target).finally(() => (this.#running = undefined));
  }

  /** Resolves when no run is under way. */
  async idle(): Promise<void> {
    while (this.#running !== undefined) await this.#running;
  }

  /** The models' part of /status. */
  status(): ModelsStatus {
    return {
      afterExport: this.enabled,
      running: this.#running !== undefined,
      lastRun: this.#lastRun,
    };
  }

  async #loop(target: ModelsTarget): Promise<void> {
    do {
      this.#again = false;
      try {
        this.#lastRun = await this.run(target);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        this.#lastRun = {
          finishedAt: new Date().toISOString(),
          result: "failed",
          error: message,
        };
        if (error instanceof BronzeMissingError) {
          log.warn("ModelsRunSkipped", { reason: message });
        } else {
          log.error("ModelsRunFailed", { error });
        }
      }
    } while (this.#again);
  }
}
