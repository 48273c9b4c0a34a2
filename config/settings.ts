/**
 * Every setting of the pipeline, declared once: its environment name, type, default and a line
 * of doc. The same names are the keys of the optional JSON config file. Later issues add rows.
 */

import { SHOP_HOSTS } from "./shop_hosts.ts";
import {
  DUCKDB_CHECKPOINT_MB,
  DUCKDB_MEMORY_LIMIT_MB,
  STRING_COMPRESSIONS,
} from "../messages/writer.ts";

/** A parsed setting value. */
export type SettingValue = string | number | boolean | string[];

/** Declaration of one setting. */
export interface Setting<T extends SettingValue> {
  /** Environment variable and config-file key. */
  readonly key: string;
  /** One line for the README and for error messages. */
  readonly doc: string;
  /** The expected form, as shown in errors ("a port 1-65535"). */
  readonly form: string;
  /** Default for the embedded mode; `undefined` means "not set" (optional). */
  readonly fallback: T | undefined;
  /** A secret is never printed; its value may also come from `<KEY>_FILE`. */
  readonly secret: boolean;
  /** The default as the README's table shows it, where the value alone would not say it. */
  readonly shown?: string;
  /** Parses the text form; returns `undefined` when the text does not fit `form`. */
  parse(text: string): T | undefined;
}

const text = (
  key: string,
  doc: string,
  fallback: string | undefined,
  secret = false,
): Setting<string> => ({
  key,
  doc,
  form: "text",
  fallback,
  secret,
  parse: (t: string) => (t.trim() === "" ? undefined : t.trim()),
});

const choice = <const C extends string>(
  key: string,
  doc: string,
  choices: readonly C[],
  fallback: C,
): Setting<C> => ({
  key,
  doc,
  form: `one of ${choices.join(", ")}`,
  fallback,
  secret: false,
  parse: (t: string) => choices.find((c) => c === t.trim().toLowerCase()),
});

const integer = (
  key: string,
  doc: string,
  min: number,
  max: number,
  fallback: number,
): Setting<number> => ({
  key,
  doc,
  form: `an integer from ${min} to ${max}`,
  fallback,
  secret: false,
  parse: (t: string) => {
    const n = /^\s*-?\d+\s*$/.test(t) ? Number(t) : NaN;
    return Number.isSafeInteger(n) && n >= min && n <= max ? n : undefined;
  },
});

const flag = (key: string, doc: string, fallback: boolean): Setting<boolean> => ({
  key,
  doc,
  form: "true or false",
  fallback,
  secret: false,
  parse: (t: string) => {
    const v = t.trim().toLowerCase();
    return v === "true" || v === "1" ? true : v === "false" || v === "0" ? false : undefined;
  },
});

const HOST_PORT = /^[A-Za-z0-9.\-_]+:\d{1,5}$|^\[[0-9a-fA-F:]+\]:\d{1,5}$/;

const hostList = (key: string, doc: string): Setting<string[]> => ({
  key,
  doc,
  form: "a comma-separated list of host:port",
  fallback: undefined,
  secret: false,
  parse: (t: string) => {
    const items = t.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return items.length > 0 && items.every((s) => HOST_PORT.test(s)) ? items : undefined;
  },
});

// A host (name, IPv4 or [IPv6]) with an optional port.
const HOST_MAYBE_PORT = /^[A-Za-z0-9.\-_]+(:\d{1,5})?$|^\[[0-9a-fA-F:]+\](:\d{1,5})?$/;

const hostOrPortList = (key: string, doc: string, fallback: string[]): Setting<string[]> => ({
  key,
  doc,
  form: "a comma-separated list of host or host:port",
  fallback,
  secret: false,
  parse: (t: string) => {
    const items = t.split(",").map((s) => s.trim()).filter((s) => s !== "");
    return items.length > 0 && items.every((s) => HOST_MAYBE_PORT.test(s)) ? items : undefined;
  },
});

const decimal = (
  key: string,
  doc: string,
  min: number,
  max: number,
  fallback: number,
): Setting<number> => ({
  key,
  doc,
  form: `a number from ${min} to ${max}`,
  fallback,
  secret: false,
  parse: (t: string) => {
    const n = /^\s*\d+(\.\d+)?\s*$/.test(t) ? Number(t) : NaN;
    return n >= min && n <= max ? n : undefined;
  },
});

/** `setting`, whose default the README shows as `shown`. */
const shows = <T extends SettingValue>(shown: string, setting: Setting<T>): Setting<T> => ({
  ...setting,
  shown,
});

/**
 * Enrichers by default: measured on 2 cores, one enricher beside the writer, consumer and routing
 * threads ingests faster (40.9k events/s) than two competing for the same cores (38.3k).
 */
const DEFAULT_ENRICHERS = Math.max(1, navigator.hardwareConcurrency - 1);

/** All settings, in README order. */
export const SETTINGS = {
  dataDir: text(
    "DATA_DIR",
    "Directory of the embedded warehouse, lake and state (the tasks grant write access to it, wherever it is).",
    "data",
  ),
  kafkaBrokers: hostList(
    "KAFKA_BROKERS",
    "Kafka bootstrap servers, `host:port,...`; unset means the local dev broker (127.0.0.1:9092).",
  ),
  kafkaTopic: text(
    "KAFKA_TOPIC",
    "Topic the clickstream events arrive on (created only on the dev broker; elsewhere it must exist).",
    "product_view",
  ),
  kafkaGroup: text("KAFKA_GROUP", "Consumer group of the pipeline processes.", "lakehouse"),
  kafkaStartOffset: choice(
    "KAFKA_START_OFFSET",
    "Where a new consumer group starts reading: `earliest` or `latest`.",
    ["earliest", "latest"],
    "earliest",
  ),
  kafkaSaslMechanism: choice(
    "KAFKA_SASL_MECHANISM",
    "SASL mechanism for the brokers: `none`, `plain`, `scram-sha-256`, `scram-sha-512`.",
    ["none", "plain", "scram-sha-256", "scram-sha-512"],
    "none",
  ),
  kafkaSaslUsername: text(
    "KAFKA_SASL_USERNAME",
    "SASL user name (required with a mechanism).",
    undefined,
  ),
  kafkaSaslPassword: text(
    "KAFKA_SASL_PASSWORD",
    "SASL password (secret; or `KAFKA_SASL_PASSWORD_FILE`).",
    undefined,
    true,
  ),
  kafkaSsl: flag("KAFKA_SSL", "Connect to the brokers over TLS (`true`/`false`/`1`/`0`).", false),
  kafkaSslCaFile: text(
    "KAFKA_SSL_CA_FILE",
    "PEM file of the CAs the brokers' TLS certificates are checked against (with `KAFKA_SSL`); unset: Mozilla's roots.",
    undefined,
  ),
  kafkaExtraHosts: hostList(
    "KAFKA_EXTRA_HOSTS",
    "Brokers the cluster advertises besides `KAFKA_BROKERS`, `host:port,...`; the tasks grant network access to them too.",
  ),
  warehouse: shows(
    "`duckdb:<DATA_DIR>/warehouse.duckdb`",
    text(
      "WAREHOUSE",
      "`duckdb:<path>` or `bigquery:<project>.<dataset>`.",
      undefined,
    ),
  ),
  duckdbStringCompression: choice(
    "DUCKDB_STRING_COMPRESSION",
    "How DuckDB stores staged text at its checkpoints: `auto` (compressed: about 90 bytes per event on disk in a warehouse this version made, at about the checkpoint cost of none; about 240, at twice the cost, in one an earlier version made) or `off` (as it is, about 870 bytes per event: faster only in a warehouse an earlier version made, docs/OPERATIONS.md).",
    STRING_COMPRESSIONS,
    "auto",
  ),
  duckdbMemoryLimitMb: integer(
    "DUCKDB_MEMORY_LIMIT_MB",
    "DuckDB's buffer cap in MB (128 to 1,048,576); committed rows not yet checkpointed past it spill to `<warehouse>.tmp/`: 384 gave about 20% more events/s (with text compression off) for about 220 MiB more RSS (docs/OPERATIONS.md).",
    DUCKDB_MEMORY_LIMIT_MB,
    1_048_576,
    DUCKDB_MEMORY_LIMIT_MB,
  ),
  duckdbCheckpointMb: integer(
    "DUCKDB_CHECKPOINT_MB",
    "MB of DuckDB's WAL at which the commit that crosses it checkpoints (16 to 65,536): fewer MB mean shorter but more checkpoints; above the memory cap the rows awaiting one spill to disk (docs/OPERATIONS.md).",
    16,
    65_536,
    DUCKDB_CHECKPOINT_MB,
  ),
  lake: shows(
    "`<DATA_DIR>/lake`",
    text(
      "LAKE",
      "A local folder or `gs://bucket/prefix` for the Bronze Parquet files.",
      undefined,
    ),
  ),
  enrichers: shows(
    "cores − 1 (at least 1)",
    integer(
      "ENRICHERS",
      "Enricher Workers in the pool (1 to 64); on 2 cores one enricher ingests faster than two competing with the writer and consumer.",
      1,
      64,
      DEFAULT_ENRICHERS,
    ),
  ),
  chunkSize: integer(
    "CHUNK_SIZE",
    "Kafka messages per chunk handed to an enricher (1 to 10,000); a chunk never spans two fetches of a partition.",
    1,
    10_000,
    2_000,
  ),
  batchMaxRows: integer(
    "BATCH_MAX_ROWS",
    "A write batch closes at this many rows...",
    1,
    1_000_000,
    // 10,000 (0.1 s at the 100,000 events/s target), not 20,000: five batches can be in flight
    // (docs/OPERATIONS.md, Memory), and DuckDB's commit cost per batch is small at this size.
    10_000,
  ),
  batchMaxAgeMs: integer(
    "BATCH_MAX_AGE_MS",
    "...or this many ms after its first chunk, whichever comes first; while the writer is busy with the batches before, a batch fills on up to its size limits instead.",
    1,
    600_000,
    // 100: at 10,000 events/s the batch age is most of the end-to-end latency (p50 ≤ 150 ms, p99
    // ≤ 1,000 against ≤ 250 and ≤ 1,500 ms at 250), and a backlog still fills batches while the
    // writer is busy (actors/batcher/batcher_behaviour.ts). 50 gave p99 ≤ 800 ms but ~6,300-event
    // batches in a backlog and ~8% fewer events/s (bench/README.md).
    100,
  ),
  batchMaxBytes: shows(
    "`16777216` (16 MiB)",
    integer(
      "BATCH_MAX_BYTES",
      "...or before its packed rows and dead letters would pass this many bytes (1 MiB to 256 MiB; a larger chunk is a batch alone).",
      1024 * 1024,
      256 * 1024 * 1024,
      // Bounds the five batches that can be in flight when hostile events make rows large.
      16 * 1024 * 1024,
    ),
  ),
  exportIntervalMinutes: integer(
    "EXPORT_INTERVAL_MINUTES",
    "Export to the lake every N minutes (0: only on `./denow task export`).",
    0,
    100_000,
    0,
  ),
  exportMaxRows: integer(
    "EXPORT_MAX_ROWS",
    "Export when this many rows were staged since the last scheduled export (0: never by size).",
    0,
    1_000_000_000,
    0,
  ),
  modelsAfterExport: flag(
    "MODELS_AFTER_EXPORT",
    "Run the dbt models (`./denow task models`) after each export that wrote rows (`start` then may run Python and dbt).",
    false,
  ),
  stallExitAfterMs: integer(
    "STALL_EXIT_AFTER_MS",
    "Exit with code 75 once a stage has been stuck this long, for an orchestrator to restart it (0: never; see Stalls).",
    0,
    86_400_000,
    0,
  ),
  readyStallAfterMs: integer(
    "READY_STALL_AFTER_MS",
    "Not ready once events wait and this long passes with no batch written and no lag shrinking (0: never; see Stalls).",
    0,
    86_400_000,
    60_000,
  ),
  stopDeadlineMs: integer(
    "STOP_DEADLINE_MS",
    "Time to drain, commit and stop after SIGINT/SIGTERM; what misses it is re-read at start, and a second signal stops at once.",
    1_000,
    600_000,
    30_000,
  ),
  mallocMmapThresholdKb: integer(
    "MALLOC_MMAP_THRESHOLD_KB",
    "KiB from which glibc maps an allocation on its own and gives it back when freed, set by the pipeline at start (0: glibc's own threshold, which lets the arenas fragment with a large backlog); a `MALLOC_MMAP_THRESHOLD_` of your own wins (docs/OPERATIONS.md, Memory).",
    0,
    32_768,
    2_048,
  ),
  warehouseTimeoutMs: integer(
    "WAREHOUSE_TIMEOUT_MS",
    "Time cap of one BigQuery or Cloud Storage request; a request that takes longer is abandoned and retried.",
    1_000,
    600_000,
    30_000,
  ),
  geoipTable: text(
    "GEOIP_TABLE",
    "A range table built by `./denow task geoip -- build`; excludes `GEOIP_CSV*`.",
    undefined,
  ),
  geoipCsv: shows(
    "unset: DB-IP Lite country (see [GeoIP](docs/OPERATIONS.md#geoip))",
    text(
      "GEOIP_CSV",
      "IP2Location LITE DB5 CSV; built into `<DATA_DIR>/geoip` at start when missing or changed.",
      undefined,
    ),
  ),
  geoipCsvIpv6: text("GEOIP_CSV_IPV6", "The DB5 IPv6 CSV, built with GEOIP_CSV.", undefined),
  geoipRefreshMs: integer(
    "GEOIP_REFRESH_MS",
    "How often the geoip source is checked; a changed table is swapped into every running enricher (0: only at start).",
    0,
    86_400_000,
    60_000,
  ),
  bigqueryEndpoint: text(
    "BIGQUERY_ENDPOINT",
    "BigQuery API endpoint (emulators only; unset uses Google with ADC credentials).",
    undefined,
  ),
  storageEndpoint: text(
    "STORAGE_ENDPOINT",
    "Cloud Storage API endpoint (emulators only; unset uses Google with ADC credentials).",
    undefined,
  ),
  controlHost: {
    key: "CONTROL_HOST",
    doc:
      "Address the control server binds; off loopback every route needs the token (see [Metrics and status](docs/OPERATIONS.md#metrics-and-status)).",
    form: "an IP address or host name",
    fallback: "127.0.0.1",
    secret: false,
    parse: (t: string) =>
      /^[A-Za-z0-9.\-_:]+$|^\[[0-9a-fA-F:]+\]$/.test(t.trim()) ? t.trim() : undefined,
  },
  controlPort: integer("CONTROL_PORT", "Port of the control server.", 1, 65535, 8790),
  controlToken: shows("generated into `<DATA_DIR>/control-token`", {
    key: "CONTROL_TOKEN",
    doc:
      "Bearer token of the control server, at least 32 characters (secret; or `CONTROL_TOKEN_FILE`).",
    form: "at least 32 characters",
    fallback: undefined,
    secret: true,
    parse: (t: string) => t.trim().length >= 32 ? t.trim() : undefined,
  }),
  metricsPort: shows(
    "`0` (none)",
    integer(
      "METRICS_PORT",
      "A second port on `CONTROL_HOST` serving `/metrics`, `/health` and `/ready` without the token, for Prometheus and probes.",
      0,
      65535,
      0,
    ),
  ),
  crawlEnabled: flag("CRAWL_ENABLED", "Crawl product pages for names while ingesting.", true),
  crawlAllowedHosts: shows(
    `the shop's ${SHOP_HOSTS.length} \`www.glamira.*\` stores`,
    hostOrPortList(
      "CRAWL_ALLOWED_HOSTS",
      "Hosts the product crawler may request, `host` or `host:port` (a bare host allows its default port only).",
      [...SHOP_HOSTS],
    ),
  ),
  crawlConcurrency: integer(
    "CRAWL_CONCURRENCY",
    "Crawler requests in flight over all hosts.",
    1,
    256,
    8,
  ),
  crawlHostConcurrency: integer(
    "CRAWL_HOST_CONCURRENCY",
    "Crawler requests in flight to one host.",
    1,
    64,
    2,
  ),
  crawlRatePerHost: decimal(
    "CRAWL_RATE_PER_HOST",
    "Crawler requests started per second to one host (0.01 to 1000).",
    0.01,
    1000,
    1,
  ),
  crawlTimeoutMs: integer(
    "CRAWL_TIMEOUT_MS",
    "Time cap of one crawler request, body included.",
    100,
    300_000,
    15_000,
  ),
  crawlUserAgent: text(
    "CRAWL_USER_AGENT",
    "User-Agent of the crawler; its first word is the token robots.txt groups are matched on.",
    "ClickstreamLakehouseBot/1.0 (product names for analytics)",
  ),
  crawlMaxBytes: shows(
    "`5242880` (5 MiB)",
    integer(
      "CRAWL_MAX_BYTES",
      "Size cap of one product page: reading stops there and the connection closes.",
      1024,
      100 * 1024 * 1024,
      5 * 1024 * 1024,
    ),
  ),
  crawlMaxTries: integer(
    "CRAWL_MAX_TRIES",
    "Tries per product after 429, 5xx or timeouts before it is failed and deferred.",
    1,
    10,
    4,
  ),
  crawlWorkers: integer(
    "CRAWL_WORKERS",
    "Crawler Workers; each host is crawled by one of them, `CRAWL_CONCURRENCY` is shared out.",
    1,
    64,
    1,
  ),
} as const satisfies Record<string, Setting<SettingValue>>;

/** The setting table's type. */
export type Settings = typeof SETTINGS;
