/**
 * The running pipeline: its actors (`pipeline_actors.ts`) under one supervision tree
 * (`pipeline_tree.ts`), the crawler's pool beside them, and what the composition does over time:
 * export on request (one at a time), swap a changed geoip table into every enricher, refresh the
 * consumer's lag, watch for stalls, and stop within one deadline. The writer's stalls and refused
 * partitions, and progress (durable writes, shrinking lag), feed the readiness model and the
 * stall watchdog.
 */
import { CrawlerPool } from "../actors/crawler/crawler_pool.ts";
import { fullMailboxes, type SupervisorSnapshot } from "../actors/runtime/snapshot.ts";
import type { Supervisor } from "../actors/runtime/supervisor.ts";
import type { Config } from "../config/config.ts";
import type { CrawlCounters } from "../messages/crawler.ts";
import type { GeoipKnown } from "../messages/geoip.ts";
import type { ExportOutcome, ExportReport } from "../messages/staging_generations.ts";
import { getLogger } from "../observability/log.ts";
import { enricherArgs, type PipelineActors, pipelineActors } from "./pipeline_actors.ts";
import { PipelineMetrics } from "./pipeline_metrics.ts";
import { pipelineTree } from "./pipeline_tree.ts";
import { Progress } from "./progress.ts";
import { Readiness } from "./readiness.ts";
import { StallWatchdog } from "./stall_watchdog.ts";
import { StopDeadline, stopHooksReserveMs } from "./stop_deadline.ts";
import type { TestFaults } from "./test_faults.ts";
import { WriterReports } from "./writer_reports.ts";

const log = getLogger("pipeline");
const ASK_TIMEOUT_MS = 30_000;
const EXPORT_TIMEOUT_MS = 3_600_000;
/** Catalog reads and merges the crawler asks the writer for. */
const CATALOG_TIMEOUT_MS = 60_000;

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

/** A running (or ready to start) pipeline. */
export class Pipeline {
  readonly metrics = new PipelineMetrics();
  /** Per-stage conditions behind /ready, /health and the stall watchdog. */
  readonly readiness = new Readiness();
  readonly actors: PipelineActors;
  /** The crawler's Workers and loop (undefined with `CRAWL_ENABLED=false`). */
  readonly crawler: CrawlerPool | undefined;
  readonly root: Supervisor;
  /** The range table the enrichers map (null: none). */
  geoipTable: string | null;
  #geoipTimer: ReturnType<typeof setInterval> | undefined;
  /** What the last geoip check found, for the next (the geoip actor's Worker lives per check). */
  #geoipKnown: GeoipKnown | null = null;
  readonly #geoipRefreshMs: number;
  #exports: Promise<unknown> = Promise.resolve();
  readonly #exportListeners: ((report: ExportReport) => void)[] = [];
  #stopping = false;
  #lagTimer: ReturnType<typeof setInterval> | undefined;
  readonly #watchdog: StallWatchdog;
  readonly #enricherFaults: TestFaults["enricher"];
  readonly #progress: Progress;

  constructor(options: PipelineOptions) {
    const { config } = options;
    this.geoipTable = options.geoipTable;
    this.#geoipRefreshMs = config.geoip.refreshMs;
    this.#enricherFaults = options.faults.enricher;
    this.#progress = new Progress(config.pipeline.readyStallAfterMs);
    this.readiness.derive("progress", "retrying", (tree, now) => this.#progress.check(tree, now));
    this.actors = pipelineActors(config, options.geoipTable, {
      metrics: this.metrics,
      progress: this.#progress,
      faults: options.faults,
      reports: (actors) =>
        new WriterReports({
          readiness: this.readiness,
          metrics: this.metrics,
          rereadFromCommit: () => actors.consumer.restartAll(),
          halt: (topic, partition, reason) =>
            actors.consumer.send("consumer.haltPartition", { topic, partition, reason }),
        }),
    });
    this.crawler = config.crawl.enabled ? this.#crawlerPool(config.crawl) : undefined;
    this.root = pipelineTree(this.actors, this.crawler);
    this.#watchdog = new StallWatchdog({
      limitMs: config.pipeline.stallExitAfterMs,
      stuck: (now) => this.readiness.stuckSince(this.snapshot(), now),
      exit: options.exit ?? ((code) => Deno.exit(code)),
    });
  }

  /** The crawler's pool, reading and merging the catalog through the writer. */
  #crawlerPool({ enabled: _, workers, ...settings }: Config["crawl"]): CrawlerPool {
    const writer = this.actors.writer;
    return new CrawlerPool(
      {
        uncrawledProducts: async (limit) =>
          (await writer.ask("writer.uncrawled", { limit }, CATALOG_TIMEOUT_MS)).products,
        mergeCrawlResults: async (results) =>
          (await writer.ask("writer.mergeCrawl", { results: [...results] }, CATALOG_TIMEOUT_MS))
            .updated,
      },
      settings,
      { workers },
    );
  }

  /** Starts the tree (downstream first), then the crawl loop and the timers. */
  async start(): Promise<void> {
    // Before the actors: a warehouse away at start is a stall too (the writer cannot open it).
    this.#watchdog.start();
    await this.root.start();
    // An export cut short (a crash, a stop) is finished first, beside the new writes.
    void this.#resumeExport();
    this.crawler?.run();
    if (this.#geoipRefreshMs > 0) {
      this.#geoipTimer = setInterval(() => {
        if (!this.actors.geoip.full) {
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
   * Finishes the generations an earlier run left sealed. The exporter's Worker (on demand) is
   * started only when the writer holds some: most starts have none, and a Worker costs its
   * module's load while the writer opens and the backlog flows. When the writer cannot say, the
   * export runs and finds out itself.
   */
  async #resumeExport(): Promise<void> {
    const sealed = await this.actors.writer.ask("writer.listSealed", {}, ASK_TIMEOUT_MS).then(
      (answer) => answer.ok ? answer.value.length : undefined,
      (error: unknown) => {
        log.warn("PipelineSealedUnknown", { error, hint: "the export at start looks itself" });
        return undefined;
      },
    );
    if (sealed === 0 || this.#stopping) return;
    this.#export(false).then(
      (report) => {
        if (report.generations.length > 0) log.info("PipelineExportResumed", { ...report });
      },
      () => {}, // counted and logged by #export's chain (PipelineExportFailed)
    );
  }

  /**
   * Orderly stop within `deadlineMs`, each step bounded by what is left of it: the crawl loop
   * ends, the consumer stops handing out chunks, everything in flight is written and
   * acknowledged, the consumer commits, an export under way finishes, then the tree stops in
   * reverse start order, restarting nothing, with at least `stopHooksReserveMs` of the deadline
   * left for it. What misses the deadline is not committed (it is re-read at the next start);
   * resolves false then.
   */
  async stop(deadlineMs: number): Promise<boolean> {
    if (this.#stopping) return false;
    this.#stopping = true;
    this.#watchdog.stop();
    clearInterval(this.#lagTimer);
    clearInterval(this.#geoipTimer);
    const whole = new StopDeadline(deadlineMs);
    // The drain and the export may use all but the actors' own stop: cut short, they cost only
    // re-reading at the next start, while actors stopped with no time left end without their stop
    // hooks (the consumer does not leave its group, the writer does not close its warehouse).
    const deadline = whole.before(stopHooksReserveMs(deadlineMs));
    const { consumer, enrichers, batcher, writer } = this.actors;
    let complete = true;
    try {
      if (this.crawler !== undefined) {
        await deadline.within("the crawl loop", this.crawler.stopLoop());
      }
      await consumer.ask("consumer.pause", {}, Math.max(1, deadline.left()));
      await deadline.within("the enrichers' chunks", enrichers.drained());
      await batcher.ask("batcher.flush", {}, Math.max(1, deadline.left()));
      await deadline.within("the batcher's batches", batcher.drained());
      await deadline.within("the writer's batches", writer.drained());
      await deadline.within("the consumer's acknowledgements", consumer.drained());
      const { pendingChunks } = await consumer.ask(
        "consumer.commit",
        {},
        Math.max(1, deadline.left()),
      );
      log.info("PipelineDrained", { pendingChunks, staged: this.metrics.staged });
    } catch (error) {
      complete = false;
      // Nothing is lost: what was not committed is read again at the next start. The step that
      // timed out is often only behind the stage that is stuck: say what is backed up, and why.
      const tree = this.snapshot();
      log.warn("PipelineDrainIncomplete", {
        error,
        fullMailboxes: fullMailboxes(tree),
        notReady: this.readiness.verdict(tree).reason ?? null,
        hint: "uncommitted events are re-read at start",
      });
    }
    try {
      await deadline.within("the export under way", this.#exports);
    } catch (error) {
      complete = false;
      log.warn("PipelineExportCutShort", {
        error,
        hint: "the sealed generation stays; the next start exports it",
      });
    }
    await this.root.stop(whole.left());
    return complete;
  }

  /**
   * Exports staging to the lake; exports run one after another, never overlapping. A failed
   * export rejects with the writer's reason (and is counted and logged); ingestion goes on and
   * the next export retries what is left sealed.
   */
  export(): Promise<ExportReport> {
    return this.#export(true);
  }

  /**
   * One export through the exporter, after those before it. With `seal` false it only finishes
   * generations an earlier export left sealed (at start), and counts only when it exported some.
   */
  #export(seal: boolean): Promise<ExportReport> {
    const run = this.#exports.then(async () => {
      let outcome: ExportOutcome;
      this.#progress.exporting(true);
      try {
        outcome = await this.actors.exporter.ask("exporter.export", { seal }, EXPORT_TIMEOUT_MS);
      } catch (error) {
        // The exporter gave up on it (it kept crashing) or did not answer: a failed export.
        outcome = { ok: false, error: error instanceof Error ? error.message : String(error) };
      } finally {
        this.#progress.exporting(false);
      }
      if (seal || !outcome.ok || outcome.report.generations.length > 0) {
        this.metrics.exported(outcome.ok, Date.now(), outcome.ok ? undefined : outcome.error);
      }
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
    const { table, known } = await this.actors.geoip.ask(
      "geoip.refresh",
      { known: this.#geoipKnown },
      EXPORT_TIMEOUT_MS,
    );
    this.#geoipKnown = known;
    const path = table?.path ?? null;
    if (path === this.geoipTable) return;
    this.actors.enrichers.setArgs(enricherArgs(path, this.#enricherFaults));
    await this.actors.enrichers.broadcast("enricher.useTable", { path });
    log.info("PipelineGeoipTableSwapped", {
      from: this.geoipTable,
      to: path,
      version: table?.version,
    });
    this.geoipTable = path;
  }

  /** Asks the consumer for its lag and records it (also as progress, or its absence). */
  async refreshLag(): Promise<void> {
    const lag = await this.actors.consumer.ask("consumer.lag", {}, ASK_TIMEOUT_MS);
    this.metrics.lag(lag);
    this.#progress.lag(lag);
    this.#progress.check(this.snapshot());
  }

  /** The crawler's totals, once it runs. */
  get crawlCounters(): Readonly<CrawlCounters> | undefined {
    return this.crawler?.counters;
  }

  /** The supervision tree, as data. */
  snapshot(): SupervisorSnapshot {
    return this.root.snapshot();
  }
}
