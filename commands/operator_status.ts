/**
 * What the operator's status page needs beyond the base /status: event counters sampled every
 * few seconds (rates over the last minutes), consumer lag per partition, dead letters by code,
 * and the last successful export. Wraps the control handlers' `status`.
 */
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { ControlHandlers } from "../control/control_server.ts";
import { StatusHistory } from "../control/status_history.ts";

/** Samples kept: 10 minutes at the default interval. */
const SAMPLES = 120;

/** The running sampler. */
export interface OperatorStatus {
  wrap(base: ControlHandlers): ControlHandlers;
  stop(): void;
}

/** Starts sampling `pipeline` every `sampleMs`. */
export function operatorStatus(pipeline: Pipeline, sampleMs = 5_000): OperatorStatus {
  const history = new StatusHistory(SAMPLES);
  let lastExport: Record<string, unknown> | null = null;
  const sample = () => {
    const m = pipeline.metrics;
    history.add({
      t: Date.now(),
      consumed: m.consumed,
      staged: m.staged,
      deadLettered: m.deadLettered,
      replayed: m.replayed,
    });
  };
  sample();
  const timer = setInterval(sample, sampleMs);
  Deno.unrefTimer(timer);
  pipeline.onExported((report) => {
    lastExport = { finishedAt: new Date().toISOString(), ...report };
  });
  return {
    wrap: (base) => ({
      ...base,
      status: () => ({
        ...base.status(),
        eventsHistory: { everyMs: sampleMs, samples: history.samples() },
        partitions: [...pipeline.metrics.partitions].sort(([a], [b]) => a - b)
          .map(([partition, p]) => ({ partition, ...p })),
        deadLettersByCode: { ...pipeline.metrics.deadLettersByCode },
        lastExport,
      }),
    }),
    stop: () => clearInterval(timer),
  };
}
