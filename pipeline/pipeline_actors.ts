/**
 * The pipeline's actors and the routes between them: consumer -> enricher pool -> batcher ->
 * writer, with the writer's acknowledgements flowing back to the consumer, which commits only
 * what is durable; the geoip actor and the exporter beside them, started on demand. Each pool
 * states what becomes of a message that keeps crashing it: nothing on the data path is given up
 * without its events accounted for. The tree that supervises them is `pipeline_tree.ts`.
 *
 * Enriched rows move on from the enrichers to the batcher as transferred buffers: the host
 * neither copies nor keeps them. What a batcher held when it died is read again from Kafka
 * instead, as its open batch always was: the ingest supervisor restarts the consumer with it, and
 * nothing it held is committed (the consumer commits only what the writer acknowledged as durable;
 * the writer skips what it already stored). Chunks to the enrichers are kept (their poison policy
 * needs the chunk), and so are batches to the writer (see the writer's pool).
 */
import { geoipArgs } from "../actors/geoip/geoip_args.ts";
import type { Config } from "../config/config.ts";
import { BATCHER_PROTOCOL } from "../messages/batcher.ts";
import { CONSUMER_PROTOCOL } from "../messages/consumer.ts";
import { ENRICHER_PROTOCOL, type EnricherArgs, type EnricherFaults } from "../messages/enricher.ts";
import { EXPORTER_PROTOCOL } from "../messages/exporter.ts";
import { GEOIP_PROTOCOL } from "../messages/geoip.ts";
import { WRITER_PROTOCOL } from "../messages/writer.ts";
import { getLogger } from "../observability/log.ts";
import { toWriter } from "../actors/exporter/writer_route.ts";
import { ActorPool } from "../actors/runtime/actor_pool.ts";
import { copiedRows, rowsTransferables } from "../messages/packed_rows.ts";
import { chunkTransferables, copiedChunk } from "../messages/packed_chunk.ts";
import type { NoSpecs, Specs } from "../actors/runtime/protocol.ts";
import { type WorkerModule, workerModuleUrl } from "../actors/worker_modules.ts";
import type { PipelineMetrics } from "./pipeline_metrics.ts";
import { poisonChunk } from "./poison_chunk.ts";
import type { Progress } from "./progress.ts";
import type { TestFaults } from "./test_faults.ts";
import type { WriterReports } from "./writer_reports.ts";

const log = getLogger("pipeline");
/** An export's warehouse steps may take long: a generation's Parquet is written in one. */
const EXPORT_STEP_TIMEOUT_MS = 3_600_000;
/**
 * Mailbox capacities of the data path, in messages per member (the memory budget,
 * `memory_budget.ts`, multiplies them by what a message weighs). The writer holds the batch it
 * writes and the next one, so it never waits for the batcher; the batcher joins a chunk in about
 * a millisecond, so two chunks keep it busy; each enricher holds the chunk it enriches and the
 * next. Acks to the consumer are a few bytes each.
 */
export const MAILBOX_CAPACITY = { writer: 2, batcher: 2, enricher: 2, consumer: 64 } as const;

/**
 * kafkajs fetch bounds: one fetch response in flight per broker, at most this many bytes (kafkajs
 * default 10 MB), at most 1 MiB of it per partition (its default; a larger single message is
 * still fetched). 4 MiB is about 3,800 events, 38 ms of work at the 100,000 events/s target,
 * while a fetch on the same machine or network takes a few ms.
 */
export const FETCH_MAX_BYTES = 4 * 1024 * 1024;
/** See `FETCH_MAX_BYTES`. */
export const FETCH_MAX_BYTES_PER_PARTITION = 1024 * 1024;

/**
 * The geoip actor and the exporter are asked now and then (a check every `GEOIP_REFRESH_MS`, an
 * export on request or schedule), so their Workers start for a request and end right after it
 * (`on_demand.ts`) instead of holding an isolate each for the whole run. No idle period: their
 * requests do not come in bursts (exports run one after another, and one chained after another
 * is queued before the Worker ends, so it keeps it), and a Worker start (a geoip check with it:
 * 40–120 ms of CPU, bench/README.md) is small beside an export or a minute between checks.
 */
const ON_DEMAND = { idleMs: 0 } as const;

/** The actors whose pools run `ON_DEMAND` (`bench -- isolates` loads them last, for a request). */
export const ON_DEMAND_ACTORS: ReadonlySet<WorkerModule> = new Set(["geoip", "exporter"]);

/** Distinct User-Agents each enricher keeps parsed (clickstreams hit ~99% with a few thousand). */
const USER_AGENT_CACHE_ENTRIES = 10_000;

type Protocols = {
  geoip: typeof GEOIP_PROTOCOL;
  exporter: typeof EXPORTER_PROTOCOL;
  consumer: typeof CONSUMER_PROTOCOL;
  enricher: typeof ENRICHER_PROTOCOL;
  batcher: typeof BATCHER_PROTOCOL;
  writer: typeof WRITER_PROTOCOL;
};

/** The pool of one of the pipeline's actors. */
export type Pool<K extends keyof Protocols> = ActorPool<
  Protocols[K]["accepts"],
  Protocols[K]["emits"],
  Protocols[K] extends { asks: infer A extends Specs } ? A : NoSpecs
>;

/** The pipeline's actors. */
export interface PipelineActors {
  readonly geoip: Pool<"geoip">;
  readonly writer: Pool<"writer">;
  readonly exporter: Pool<"exporter">;
  readonly enrichers: Pool<"enricher">;
  readonly batcher: Pool<"batcher">;
  readonly consumer: Pool<"consumer">;
}

/** What the routes report to. */
export interface Routes {
  readonly metrics: PipelineMetrics;
  /** The writer's stall and refusal reports (made with the actors it acts on). */
  readonly reports: (actors: PipelineActors) => WriterReports;
  /** Durable writes count as progress (readiness by progress). */
  readonly progress: Progress;
  readonly faults: TestFaults;
}

/** Init arguments of an enricher mapping `geoipTable`. */
export function enricherArgs(geoipTable: string | null, faults: EnricherFaults): EnricherArgs {
  return { geoipTable, userAgentCacheSize: USER_AGENT_CACHE_ENTRIES, faults };
}

/**
 * Whether the warehouse writes a generation's Parquet straight into the lake: BigQuery's EXPORT
 * DATA, which needs a `gs://` lake and Google's BigQuery (an emulator, `BIGQUERY_ENDPOINT`, runs
 * no EXPORT DATA: there the rows are paged out and written locally, then uploaded).
 */
export function exportsServerSide(
  config: Pick<Config, "warehouse" | "lake" | "endpoints">,
): boolean {
  return config.warehouse.kind === "bigquery" && config.lake.kind === "gcs" &&
    config.endpoints.bigquery === undefined;
}

/** Builds the actors (not started) and routes what each emits to the next. */
export function pipelineActors(
  config: Config,
  geoipTable: string | null,
  routes: Routes,
): PipelineActors {
  const { metrics, faults } = routes;
  let batchesRouted = 0;
  const geoip = new ActorPool({
    name: "geoip",
    module: workerModuleUrl("geoip"),
    protocol: GEOIP_PROTOCOL,
    capacity: 1,
    // Off the data path: a Worker only for each check (every GEOIP_REFRESH_MS), see ON_DEMAND.
    onDemand: ON_DEMAND,
    // A refresh that keeps crashing is given up; the next one is asked for later.
    onFailure: { kind: "drop", after: 3 },
    args: geoipArgs(config),
  });
  const writer: Pool<"writer"> = new ActorPool({
    name: "writer",
    module: workerModuleUrl("writer"),
    protocol: WRITER_PROTOCOL,
    capacity: MAILBOX_CAPACITY.writer,
    // A batch is never given up: nothing else stores its events. The writer retries a failed
    // write itself; a crash (a bug) redelivers the batch, and a crash loop shows as a stuck stage.
    // Kept, not transferred: read again from Kafka instead, a batch lost with a writer that
    // crashes every few writes (ingestion_test) costs a consumer rejoin and the whole
    // uncommitted window each time, and the writer never catches up.
    onFailure: { kind: "redeliver" },
    // Kept here, so the writer gets a copy: made on this thread and moved, off the writer's.
    copy: {
      "writer.write": (batch) => {
        const rows = copiedRows(batch.rows);
        return { body: { ...batch, rows }, transfer: rowsTransferables(rows) };
      },
    },
    // Once written, the writer hands its copy back to this thread (for the next copy) and the
    // original goes back to the batcher that made it (for its next batch): `buffer_pool.ts`.
    release: { "writer.write": (batch) => rowsTransferables(batch.rows) },
    returnTo: (buffers) => batcher.recycle(buffers),
    args: {
      dataDir: config.dataDir,
      warehouse: config.warehouse,
      bigqueryEndpoint: config.endpoints.bigquery ?? null,
      requestTimeoutMs: config.pipeline.warehouseTimeoutMs,
      faults: faults.writer,
    },
    onEmit: async (m) => {
      switch (m.type) {
        case "writer.batchWritten":
          metrics.batchWritten(m.body, Date.now());
          routes.progress.written();
          reports.written();
          await consumer.send("consumer.ack", { chunkIds: m.body.chunkIds });
          return;
        case "writer.stalled":
          return reports.stalled(m.body);
        case "writer.resumed":
          return reports.resumed(m.body);
        case "writer.partitionRefused":
          return await reports.refused(m.body);
        default:
          m satisfies never;
      }
    },
  });
  const exporter: Pool<"exporter"> = new ActorPool({
    name: "exporter",
    module: workerModuleUrl("exporter"),
    protocol: EXPORTER_PROTOCOL,
    capacity: 1,
    // Off the data path: a Worker only while exports run, see ON_DEMAND.
    onDemand: ON_DEMAND,
    // An export that keeps crashing the exporter fails; the next export request retries it.
    onFailure: { kind: "drop", after: 3 },
    args: {
      dataDir: config.dataDir,
      lake: config.lake,
      storageEndpoint: config.endpoints.storage ?? null,
      requestTimeoutMs: config.pipeline.warehouseTimeoutMs,
      serverSide: exportsServerSide(config),
    },
    // Its warehouse steps are the writer's (it owns the warehouse).
    onAsk: (m) => toWriter(m, (name, body) => writer.ask(name, body, EXPORT_STEP_TIMEOUT_MS)),
  });
  const batcher: Pool<"batcher"> = new ActorPool({
    name: "batcher",
    module: workerModuleUrl("batcher"),
    protocol: BATCHER_PROTOCOL,
    capacity: MAILBOX_CAPACITY.batcher,
    // What it held (chunks moved to it, and its open batch) is read again: the ingest supervisor
    // restarts the consumer with the batcher (rest_for_one), which re-reads from its commit.
    onFailure: { kind: "redeliver" },
    onLost: () => {},
    // The enriched chunks' buffers, once joined into a batch, go back to the enrichers.
    returnTo: (buffers) => enrichers.recycle(buffers),
    args: {
      maxRows: config.pipeline.batchMaxRows,
      maxAgeMs: config.pipeline.batchMaxAgeMs,
      maxBytes: config.pipeline.batchMaxBytes,
      faults: faults.batcher,
    },
    onEmit: (m) => {
      // Test fault: a batch lost on its way, as a dead-lettered batch was lost before.
      if (++batchesRouted === faults.loseBatch) {
        log.warn("PipelineBatchLostForTest", { chunkIds: m.body.chunkIds });
        return;
      }
      return writer.send("writer.write", m.body);
    },
  });
  const enrichers: Pool<"enricher"> = new ActorPool({
    name: "enricher",
    module: workerModuleUrl("enricher"),
    protocol: ENRICHER_PROTOCOL,
    size: config.pipeline.enrichers,
    capacity: MAILBOX_CAPACITY.enricher,
    args: enricherArgs(geoipTable, faults.enricher),
    // Kept here (for redelivery and poison), so an enricher gets a copy, made here and moved.
    copy: {
      "enricher.enrich": (chunk) => {
        const copy = copiedChunk(chunk);
        return { body: copy, transfer: chunkTransferables(copy) };
      },
    },
    release: { "enricher.enrich": chunkTransferables },
    // The consumer made the originals: it reuses their buffers for its next chunks.
    returnTo: (buffers) => consumer.recycle(buffers),
    // An event whose enrichment throws is already its own dead letter; a chunk whose Worker
    // died three times without saying which event killed it becomes one dead letter per event.
    onFailure: {
      kind: "poison",
      after: 3,
      onPoison: (letter) => {
        const chunk = poisonChunk(letter.body, letter.error);
        metrics.deadLetters(chunk.deadLetters);
        return batcher.send("batcher.add", chunk);
      },
    },
    onEmit: (m) => {
      metrics.enriched(m.body.rows.rowCount, m.body.deadLetters.length);
      metrics.deadLetters(m.body.deadLetters);
      return batcher.send("batcher.add", m.body, rowsTransferables(m.body.rows));
    },
  });
  const consumer: Pool<"consumer"> = new ActorPool({
    name: "consumer",
    module: workerModuleUrl("consumer"),
    protocol: CONSUMER_PROTOCOL,
    capacity: MAILBOX_CAPACITY.consumer,
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
        fetchMaxBytes: FETCH_MAX_BYTES,
        fetchMaxBytesPerPartition: FETCH_MAX_BYTES_PER_PARTITION,
      },
      faults: faults.consumer,
    },
    onEmit: (m) => {
      metrics.chunkRead(m.body.count);
      return enrichers.send("enricher.enrich", m.body);
    },
  });
  const actors = { geoip, writer, exporter, enrichers, batcher, consumer };
  const reports = routes.reports(actors);
  return actors;
}
