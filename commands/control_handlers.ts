/**
 * What the control server answers for a running pipeline: export, liveness, readiness (every
 * actor up and the end-to-end latency under a threshold), Prometheus metrics and the status
 * snapshot.
 */
import type { CrawlCounters } from "../actors/crawler/crawl_counters.ts";
import type { Pipeline } from "../actors/pipeline/pipeline.ts";
import { actorsOf } from "../actors/runtime/snapshot.ts";
import type { ControlHandlers } from "../control/control_server.ts";

/** Readiness fails when events take longer than this from Kafka to the warehouse. */
export const STALLED_LATENCY_MS = 120_000;

/** The control handlers of `pipeline`; `crawler` gives the crawler's totals once it runs. */
export function controlHandlers(
  pipeline: Pipeline,
  crawler: () => Readonly<CrawlCounters> | undefined = () => undefined,
): ControlHandlers {
  return {
    export: () => pipeline.export(),
    live: () => pipeline.snapshot().state !== "failed",
    ready: () => {
      const down = actorsOf(pipeline.snapshot()).filter((a) => a.state !== "running");
      if (down.length > 0) {
        return {
          ready: false,
          reason: `not running: ${down.map((a) => `${a.name} (${a.state})`).join(", ")}`,
        };
      }
      const latency = pipeline.metrics.lastLatencyMs;
      if (latency !== undefined && latency > STALLED_LATENCY_MS) {
        return { ready: false, reason: `stalled: end-to-end latency ${Math.round(latency)} ms` };
      }
      return { ready: true };
    },
    metrics: () => pipeline.metrics.render(pipeline.snapshot()),
    status: () => {
      const m = pipeline.metrics;
      return {
        supervision: pipeline.snapshot(),
        events: {
          consumed: m.consumed,
          staged: m.staged,
          deadLettered: m.deadLettered,
          replayed: m.replayed,
          batches: m.batches,
        },
        lastEndToEndLatencyMs: m.lastLatencyMs ?? null,
        geoipTable: pipeline.geoipTable,
        crawler: crawler() ?? null,
      };
    },
  };
}
