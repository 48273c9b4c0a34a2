/**
 * Optional scheduled export: every N minutes, or when the rows staged since the last export pass
 * M. Exports go through the pipeline, which runs them one at a time.
 */
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { Config } from "../config/config.ts";
import { getLogger } from "../observability/log.ts";

const log = getLogger("exporter");
const SIZE_CHECK_MS = 5_000;

/** Triggers exports on a schedule until stopped. */
export class ExportSchedule {
  readonly #pipeline: Pipeline;
  readonly #timers: ReturnType<typeof setInterval>[] = [];
  #stagedAtLastExport = 0;
  #running = false;

  constructor(pipeline: Pipeline, settings: Config["pipeline"]) {
    this.#pipeline = pipeline;
    if (settings.exportIntervalMinutes > 0) {
      this.#timers.push(
        setInterval(() => this.#trigger("interval"), settings.exportIntervalMinutes * 60_000),
      );
    }
    if (settings.exportMaxRows > 0) {
      this.#timers.push(setInterval(() => {
        if (pipeline.metrics.staged - this.#stagedAtLastExport >= settings.exportMaxRows) {
          this.#trigger("rows");
        }
      }, SIZE_CHECK_MS));
    }
  }

  /** Stops triggering (an export under way finishes; the pipeline waits for it). */
  stop(): void {
    for (const timer of this.#timers) clearInterval(timer);
  }

  #trigger(reason: string): void {
    if (this.#running) return;
    this.#running = true;
    const staged = this.#pipeline.metrics.staged;
    this.#pipeline.export().then(
      (report) => {
        this.#stagedAtLastExport = staged;
        log.info("ExporterScheduledExportDone", { reason, ...report });
      },
      (error: unknown) => log.error("ExporterScheduledExportFailed", { reason, error }),
    ).finally(() => (this.#running = false));
  }
}
