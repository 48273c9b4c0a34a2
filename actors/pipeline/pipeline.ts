/**
 * The ingestion pipeline as a supervision tree of actors, and the routes between them:
 * consumer -> enricher pool -> batcher -> writer, with the writer's acknowledgements flowing back
 * to the consumer, which commits only what is durable. Started in order writer, batcher,
 * enrichers, consumer (downstream first); a batcher restart also restarts the consumer, whose
 * uncommitted chunks it held (rest_for_one). Each pool states what becomes of a message that
 * keeps crashing it: nothing on the data path is given up without its events accounted for. The
 * writer's stalls and refused partitions, and progress (durable writes, shrinking lag), feed the
 * readiness model and the stall watchdog.
 */
import type { Config } from "../../config/config.ts";
import { BATCHER_PROTOCOL } from "../../messages/batcher.ts";
import { CONSUMER_PROTOCOL } from "../../messages/consumer.ts";
import {
  ENRICHER_PROTOCOL,
  type EnricherArgs,
  type EnricherFaults,
} from "../../messages/enricher.ts";
import { GEOIP_PROTOCOL } from "../../messages/geoip.ts";
import { type ExportReport, WRITER_PROTOCOL } from "../../messages/writer.ts";
import type { TestFaults } from "../../commands/test_faults.ts";
import { getLogger } from "../../observability/log.ts";
import { ActorPool } from "../runtime/actor_pool.ts";
import { Supervisor } from "../runtime/supervisor.ts";
import { workerModuleUrl } from "../worker_modules.ts";
import type { SupervisorSnapshot } from "../runtime/snapshot.ts";
import { PipelineMetrics } from "./pipeline_metrics.ts";
import { poisonChunk } from "./poison_chunk.ts";
import { Progress } from "./progress.ts";
import { Readiness } from "./readiness.ts";
import { StallWatchdog } from "./stall_watchdog.ts";
import { WriterReports } from "./writer_reports.ts";

const log = getLogger("pipeline");
const ASK_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 3_600_000;
/** Distinct User-Agents each enricher keeps parsed (clickstreams hit ~99% with a few thousand). */
const USER_AGENT_CACHE_ENTRIES = 10_000;

/** Init arguments of an enricher mapping `geoipTable`. */
function enricherArgs(geoipTable: string | null, faults: EnricherFaults): EnricherArgs {
  return { geoipTable, userAgentCacheSize: USER_AGENT_CACHE_ENTRIES, faults };
}

/** What the pipeline needs besides the configuration. */
export interface PipelineOptions {
  readonly config: Config;
  /** A built geoip range table, or null. */
  readonly geoipTable: string | null;
  /** Test-only faults (none in production). */
  readonly faults: TestFaults;
  /** Ends the process after a stall of `STALL_EXIT_AFTER_MS` (default `Deno.exit`; tests). */
  readonly exit?: (code: number) => void;
}

type Protocols = {
  geoip: typeof GEOIP_PROTOCOL;
  consumer: typeof CONSUMER_PROTOCOL;
  enricher: typeof ENRICHER_PROTOCOL;
  batcher: typeof BATCHER_PROTOCOL;
  writer: typeof WRITER_PROTOCOL;
};
type Pool<K extends keyof Protocols> = ActorPool<Protocols[K]["accepts"], Protocols[K]["emits"]>;

/** A running (or ready to start) pipeline. */
export class Pipeline {
  readonly root = new Supervisor({ name: "pipeline" });
  readonly metrics = new PipelineMetrics();
  /** Per-stage conditions behind /ready, /health and the stall watchdog. */
  readonly readiness = new Readiness();
  readonly writer: Pool<"writer">;
  readonly batcher: Pool<"batcher">;
  readonly enrichers: Pool<"enricher">;
  readonly consumer: Pool<"consumer">;
  readonly geoip: Pool<"geoip">;
  /** The range table the enrichers map (null: none). */
  geoipTable: string | null;
  #geoipTimer: ReturnType<typeof setInterval> | undefined;
  readonly #geoipRefreshMs: number;
  #exports: Promise<unknown> = Promise.resolve();
  readonly #exportListeners: ((report: ExportReport) => void)[] = [];
  #stopping = false;
  #lagTimer: ReturnType<typeof setInterval> | undefined;
  readonly #watchdog: StallWatchdog;
  readonly #enricherFaults: EnricherFaults;
  readonly #reports: WriterReports;
  readonly #progress: Progress;
  #batchesRouted = 0;

  constructor(options: PipelineOptions) {
    const { config } = options;
    const metrics = this.metrics;
    this.geoipTable = options.geoipTable;
    this.#geoipRefreshMs = config.geoip.refreshMs;
    this.#enricherFaults = options.faults.enricher;
    this.#progress = new Progress(config.pipeline.readyStallAfterMs);
    this.readiness.derive("progress", "retrying", (tree, now) => this.#progress.check(tree, now));
    this.#reports = new WriterReports({
      readiness: this.readiness,
      metrics,
      rereadFromCommit: () => this.consumer.restartAll(),
      halt: (topic, partition, reason) =>
        this.consumer.send("consumer.haltPartition", { topic, partition, reason }),
    });
    this.#watchdog = new StallWatchdog({
      limitMs: config.pipeline.stallExitAfterMs,
      stuck: (now) => this.readiness.stuckSince(this.snapshot(), now),
      exit: options.exit ?? ((code) => Deno.exit(code)),
    });
    this.geoip = this.root.add(
      new ActorPool({
        name: "geoip",
        module: workerModuleUrl("geoip"),
        protocol: GEOIP_PROTOCOL,
        capacity: 1,
        // A refresh that keeps crashing is given up; the next one is asked for later.
        onFailure: { kind: "drop", after: 3 },
        args: {
          dataDir: config.dataDir,
          table: config.geoip.table ?? null,
          csv: config.geoip.csv ?? null,
          csvIpv6: config.geoip.csvIpv6 ?? null,
        },
      }),
    );
    this.writer = this.root.add(
      new ActorPool({
        name: "writer",
        module: workerModuleUrl("writer"),
        protocol: WRITER_PROTOCOL,
        capacity: 2,
        // A batch is never given up: nothing else stores its events. The writer retries a failed
        // write itself; a crash (a bug) redelivers the batch, and a crash loop shows as a stuck stage.
        onFailure: { kind: "redeliver" },
        args: {
          dataDir: config.dataDir,
          warehouse: config.warehouse,
          lake: config.lake,
          bigqueryEndpoint: config.endpoints.bigquery ?? null,
          storageEndpoint: config.endpoints.storage ?? null,
          requestTimeoutMs: config.pipeline.warehouseTimeoutMs,
          faults: options.faults.writer,
        },
        onEmit: async (m) => {
          switch (m.type) {
            case "writer.batchWritten":
              metrics.batchWritten(m.body, Date.now());
              this.#progress.written();
              this.#reports.written();
              await this.consumer.send("consumer.ack", { chunkIds: m.body.chunkIds });
              return;
            case "writer.stalled":
              return this.#reports.stalled(m.body);
            case "writer.resumed":
              return this.#reports.resumed(m.body);
            case "writer.partitionRefused":
              return await this.#reports.refused(m.body);
            default:
              m satisfies never;
          }
        },
      }),
    );
    this.batcher = this.root.add(
      new ActorPool({
        name: "batcher",
        module: workerModuleUrl("batcher"),
        protocol: BATCHER_PROTOCOL,
        capacity: 8,
        // Its chunks carry events nobody else holds: redelivered until the batcher takes them.
        onFailure: { kind: "redeliver" },
        args: {
          maxRows: config.pipeline.batchMaxRows,
          maxAgeMs: config.pipeline.batchMaxAgeMs,
          maxBytes: config.pipeline.batchMaxBytes,
        },
        onEmit: (m) => {
          // Test fault: a batch lost on its way, as a dead-lettered batch was lost before.
          if (++this.#batchesRouted === options.faults.loseBatch) {
            log.warn("PipelineBatchLostForTest", { chunkIds: m.body.chunkIds });
            return;
          }
          return this.writer.send("writer.write", m.body);
        },
        // Its open batch died with it: the consumer re-reads from the last commit.
        onRestart: () => this.consumer.restartAll(),
      }),
    );
    this.enrichers = this.root.add(
      new ActorPool({
        name: "enricher",
        module: workerModuleUrl("enricher"),
        protocol: ENRICHER_PROTOCOL,
        size: config.pipeline.enrichers,
        capacity: 2,
        args: enricherArgs(options.geoipTable, options.faults.enricher),
        // An event whose enrichment throws is already its own dead letter; a chunk whose Worker
        // died three times without saying which event killed it becomes one dead letter per event.
        onFailure: {
          kind: "poison",
          after: 3,
          onPoison: (letter) => {
            const chunk = poisonChunk(letter.body, letter.error);
            metrics.deadLetters(chunk.deadLetters);
            return this.batcher.send("batcher.add", chunk);
          },
        },
        onEmit: (m) => {
          metrics.enriched(m.body.rows.rowCount, m.body.deadLetters.length);
          metrics.deadLetters(m.body.deadLetters);
          return this.batcher.send("batcher.add", m.body);
        },
      }),
    );
    this.consumer = this.root.add(
      new ActorPool({
        name: "consumer",
        module: workerModuleUrl("consumer"),
        protocol: CONSUMER_PROTOCOL,
        capacity: 64,
        // Acks and requests: a consumer that crashes on one is restarted and given it again.
        onFailure: { kind: "redeliver" },
        args: {
          kafka: {
            brokers: config.kafka.brokers,
            sasl: config.kafka.sasl,
            ssl: config.kafka.ssl,
            sslCaFile: config.kafka.sslCaFile,
          },
          clientId: "lakehouse",
          source: {
            topic: config.kafka.topic,
            group: config.kafka.group,
            startOffset: config.kafka.startOffset,
            chunkSize: config.pipeline.chunkSize,
            commitIntervalMs: 200,
            heartbeatMs: 3_000,
          },
          faults: options.faults.consumer,
        },
        onEmit: (m) => {
          metrics.chunkRead(m.body.count);
          return this.enrichers.send("enricher.enrich", m.body);
        },
      }),
    );
  }

  /** Starts every actor, downstream first. */
  async start(): Promise<void> {
    // Before the actors: a warehouse away at start is a stall too (the writer cannot open it).
    this.#watchdog.start();
    await this.root.start();
    if (this.#geoipRefreshMs > 0) {
      this.#geoipTimer = setInterval(() => {
        if (!this.geoip.full) {
          this.refreshGeoip().catch((error: unknown) =>
            log.error("PipelineGeoipRefreshFailed", {
              error,
              hint: "enrichers keep the table they map",
            })
          );
        }
      }, this.#geoipRefreshMs);
    }
    this.#lagTimer = setInterval(() => {
      this.refreshLag().catch((error: unknown) => log.warn("PipelineLagUnknown", { error }));
    }, 5_000);
    log.info("PipelineRunning", {});
  }

  /**
   * Orderly stop within `deadlineMs`: the consumer stops handing out chunks, everything in
   * flight is written and acknowledged, the consumer commits, then the actors stop in reverse
   * start order.
   */
  async stop(deadlineMs: number): Promise<void> {
    if (this.#stopping) return;
    this.#stopping = true;
    this.#watchdog.stop();
    clearInterval(this.#lagTimer);
    clearInterval(this.#geoipTimer);
    const end = Date.now() + deadlineMs;
    const left = () => Math.max(1, end - Date.now());
    try {
      await this.consumer.ask("consumer.pause", {}, left());
      await this.enrichers.drained();
      await this.batcher.ask("batcher.flush", {}, left());
      await this.batcher.drained();
      await this.writer.drained();
      await this.consumer.drained();
      const { pendingChunks } = await this.consumer.ask("consumer.commit", {}, left());
      log.info("PipelineDrained", { pendingChunks, staged: this.metrics.staged });
    } catch (error) {
      // Nothing is lost: what was not committed is read again at the next start.
      log.warn("PipelineDrainIncomplete", {
        error,
        hint: "uncommitted events are re-read at start",
      });
    }
    await this.exports();
    await this.root.stop(left());
  }

  /**
   * Exports staging to the lake; exports run one after another, never overlapping. A failed
   * export rejects with the writer's reason (and is counted and logged); ingestion goes on and
   * the next export retries what is left sealed.
   */
  export(): Promise<ExportReport> {
    const run = this.#exports.then(async () => {
      this.#progress.exporting(true);
      const outcome = await this.writer.ask("writer.export", {}, EXPORT_TIMEOUT_MS)
        .finally(() => this.#progress.exporting(false));
      this.metrics.exported(outcome.ok, Date.now(), outcome.ok ? undefined : outcome.error);
      if (outcome.ok) return outcome.report;
      throw new Error(`Export failed: ${outcome.error}`);
    });
    this.#exports = run.then(
      (report) => {
        for (const listener of this.#exportListeners) {
          try {
            listener(report);
          } catch (error) {
            log.error("PipelineExportListenerFailed", { error });
          }
        }
      },
      (error: unknown) =>
        log.error("PipelineExportFailed", {
          error,
          hint: "ingestion goes on; the next export (request or schedule) retries",
        }),
    );
    return run;
  }

  /** Calls `listener` after each successful export (the models schedule listens). */
  onExported(listener: (report: ExportReport) => void): void {
    this.#exportListeners.push(listener);
  }

  /** Waits for exports under way. */
  exports(): Promise<unknown> {
    return this.#exports;
  }

  /**
   * Checks the geoip source; when its table changed, every enricher maps the new one between two
   * chunks (restarted enrichers start with it), so no lookup ever fails during the swap.
   */
  async refreshGeoip(): Promise<void> {
    const { table } = await this.geoip.ask("geoip.refresh", {}, EXPORT_TIMEOUT_MS);
    const path = table?.path ?? null;
    if (path === this.geoipTable) return;
    this.enrichers.setArgs(enricherArgs(path, this.#enricherFaults));
    await this.enrichers.broadcast("enricher.useTable", { path });
    log.info("PipelineGeoipTableSwapped", {
      from: this.geoipTable,
      to: path,
      version: table?.version,
    });
    this.geoipTable = path;
  }

  /** Asks the consumer for its lag and records it (also as progress, or its absence). */
  async refreshLag(): Promise<void> {
    const lag = await this.consumer.ask("consumer.lag", {}, ASK_TIMEOUT_MS);
    this.metrics.lag(lag);
    this.#progress.lag(lag);
    this.#progress.check(this.snapshot());
  }

  /** The supervision tree, as data. */
  snapshot(): SupervisorSnapshot {
    return this.root.snapshot();
  }
}
