/**
 * What the control server answers for a running pipeline: export, liveness (with the stages that
 * are stuck), readiness from the pipeline's per-stage conditions (progress included; Kafka
 * timestamps play no part), Prometheus metrics and the status snapshot.
 */
import { duckdbAllocatorStats } from "../observability/duckdb_allocator_stats.ts";
import { mallocStatsEvery } from "../observability/malloc_stats.ts";
import {
  isolateArrayBufferBytes,
  isolateHeapBytes,
  isolateHeapUsedBytes,
  processCpuMicros,
  threadCpuMicros,
} from "../observability/thread_cpu.ts";
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { ControlHandlers } from "../control/control_server.ts";
import type { CrawlCounters } from "../messages/crawler.ts";

/**
 * How often `/status` reads glibc's malloc figures afresh: `mallinfo2` walks every arena under its
 * lock, tens of ms once the arenas are fragmented, and read on each of `bench -- ingest`'s five
 * requests a second it made the host's CPU per event rise along a long run (10M events: 1.07, 1.30,
 * 1.51, 1.78 µs by quarter).
 */
const MALLOC_STATS_EVERY_MS = 5_000;

/** The control handlers of `pipeline`; `crawler` gives the crawler's totals once it runs. */
export function controlHandlers(
  pipeline: Pipeline,
  crawler: () => Readonly<CrawlCounters> | undefined = () => undefined,
): ControlHandlers {
  const malloc = mallocStatsEvery(MALLOC_STATS_EVERY_MS);
  const conditions = () => {
    const now = Date.now();
    const all = pipeline.readiness.conditions(pipeline.snapshot(), now);
    pipeline.metrics.conditions(all, now);
    return all;
  };
  return {
    export: () => pipeline.export(),
    live: () => {
      const stalled = conditions().filter((c) => !c.ok);
      return { live: pipeline.snapshot().state !== "failed", stalled };
    },
    ready: () => pipeline.readiness.verdict(pipeline.snapshot()),
    metrics: () => {
      conditions();
      return pipeline.metrics.render(pipeline.snapshot());
    },
    status: () => {
      const m = pipeline.metrics;
      return {
        supervision: pipeline.snapshot(),
        conditions: conditions(),
        events: {
          consumed: m.consumed,
          staged: m.staged,
          deadLettered: m.deadLettered,
          replayed: m.replayed,
          held: m.held,
          fixed: m.fixed,
          batches: m.batches,
        },
        writes: { failedAttempts: m.writeFailures, stalls: m.stalls, phaseMs: m.writerPhaseMs },
        commits: { failures: m.commitFailures },
        exports: {
          succeeded: m.exportsSucceeded,
          failed: m.exportsFailed,
          last: m.lastExport ?? null,
        },
        lastEndToEndLatencyMs: m.lastLatencyMs ?? null,
        // CPU time so far, µs: the main thread's (routing, control) and the whole process's.
        cpu: { hostThreadMicros: threadCpuMicros(), processMicros: processCpuMicros() },
        hostHeapBytes: isolateHeapBytes(),
        // What of the host's heap is in use (hostHeapBytes counts what V8 reserved for it).
        hostHeapUsedBytes: isolateHeapUsedBytes(),
        // The host's ArrayBuffers (part of hostHeapBytes), and what glibc's malloc holds for the
        // whole process (null off glibc; read at most every 5 s): `bench -- ingest` sets them
        // beside the RSS.
        hostArrayBufferBytes: isolateArrayBufferBytes(),
        malloc: malloc(),
        // DuckDB's own jemalloc (null where DuckDB is not loaded): what of the RSS is DuckDB's.
        duckdbAllocator: duckdbAllocatorStats(),
        geoipTable: pipeline.geoipTable,
        crawler: crawler() ?? null,
      };
    },
  };
}
