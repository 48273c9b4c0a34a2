/**
 * The ingestion pipeline as a supervision tree of actors, and the routes between them:
 * consumer -> enricher pool -> batcher -> writer, with the writer's acknowledgements flowing back
 * to the consumer, which commits only what is durable. Started in order writer, batcher,
 * enrichers, consumer (downstream first); a batcher restart also restarts the consumer, whose
 * uncommitted chunks it held (rest_for_one). The crawler pool names products from the catalog.
 */
import type { Config } from "../../config/config.ts";
import { BATCHER_PROTOCOL } from "../../messages/batcher.ts";
import { CONSUMER_PROTOCOL } from "../../messages/consumer.ts";
import { ENRICHER_PROTOCOL, type EnricherArgs } from "../../messages/enricher.ts";
import { GEOIP_PROTOCOL } from "../../messages/geoip.ts";
import { type ExportReport, WRITER_PROTOCOL, type WriterFaults } from "../../messages/writer.ts";
import { getLogger } from "../../observability/log.ts";
import { ActorPool } from "../runtime/actor_pool.ts";
import { Supervisor } from "../runtime/supervisor.ts";
import { workerModuleUrl } from "../worker_modules.ts";
import type { SupervisorSnapshot } from "../runtime/snapshot.ts";
import { PipelineMetrics } from "./pipeline_metrics.ts";
import { poisonChunk } from "./poison_chunk.ts";

const log = getLogger("pipeline");
const ASK_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 3_600_000;
/** Distinct User-Agents each enricher keeps parsed (clickstreams hit ~99% with a few thousand). */
const USER_AGENT_CACHE_ENTRIES = 10_000;

/** Init arguments of an enricher mapping `geoipTable`. */
function enricherArgs(geoipTable: string | null): EnricherArgs {
  return { geoipTable, userAgentCacheSize: USER_AGENT_CACHE_ENTRIES };
}

/** What the pipeline needs besides the configuration. */
export interface PipelineOptions {
  readonly config: Config;
  /** A built geoip range table, or null. */
  readonly geoipTable: string | null;
  /** Test-only writer faults (all zero in production). */
  readonly faults: WriterFaults;
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

  constructor(options: PipelineOptions) {
    const { config } = options;
    const metrics = this.metrics;
    this.geoipTable = options.geoipTable;
    this.#geoipRefreshMs = config.geoip.refreshMs;
    this.geoip = this.root.add(
      new ActorPool({
        name: "geoip",
        module: workerModuleUrl("geoip"),
        protocol: GEOIP_PROTOCOL,
        capacity: 1,
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
        args: {
          dataDir: config.dataDir,
          warehouse: config.warehouse,
          lake: config.lake,
          bigqueryEndpoint: config.endpoints.bigquery ?? null,
          storageEndpoint: config.endpoints.storage ?? null,
          faults: options.faults,
        },
        onEmit: async (m) => {
          metrics.batchWritten(m.body, Date.now());
          await this.consumer.send("consumer.ack", { chunkIds: m.body.chunkIds });
        },
      }),
    );
    this.batcher = this.root.add(
      new ActorPool({
        name: "batcher",
        module: workerModuleUrl("batcher"),
        protocol: BATCHER_PROTOCOL,
        capacity: 8,
        args: {
          maxRows: config.pipeline.batchMaxRows,
          maxAgeMs: config.pipeline.batchMaxAgeMs,
          maxBytes: config.pipeline.batchMaxBytes,
        },
        onEmit: (m) => this.writer.send("writer.write", m.body),
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
        args: enricherArgs(options.geoipTable),
        onEmit: (m) => {
          metrics.enriched(m.body.rows.rowCount, m.body.deadLetters.length);
          metrics.deadLetters(m.body.deadLetters);
          return this.batcher.send("batcher.add", m.body);
        },
        onDeadLetter: (letter) => {
          const chunk = poisonChunk(letter.body, letter.error);
          metrics.deadLetters(chunk.deadLetters);
          return this.batcher.send("batcher.add", chunk);
        },
      }),
    );
    this.consumer = this.root.add(
      new ActorPool({
        name: "consumer",
        module: workerModuleUrl("consumer"),
        protocol: CONSUMER_PROTOCOL,
        capacity: 64,
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

  /** Exports staging to the lake; exports run one after another, never overlapping. */
  export(): Promise<ExportReport> {
    const run = this.#exports.then(() => this.writer.ask("writer.export", {}, EXPORT_TIMEOUT_MS));
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
      (error: unknown) => log.error("PipelineExportFailed", { error }),
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
    this.enrichers.setArgs(enricherArgs(path));
    await this.enrichers.broadcast("enricher.useTable", { path });
    log.info("PipelineGeoipTableSwapped", {
      from: this.geoipTable,
      to: path,
      version: table?.version,
    });
    this.geoipTable = path;
  }

  /** Asks the consumer for its lag and records it. */
  async refreshLag(): Promise<void> {
    const lag = await this.consumer.ask("consumer.lag", {}, ASK_TIMEOUT_MS);
    this.metrics.lag(lag.partitions, lag.paused);
  }

  /** The supervision tree, as data. */
  snapshot(): SupervisorSnapshot {
    return this.root.snapshot();
  }
}
