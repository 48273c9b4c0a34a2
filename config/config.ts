/**
 * Loads the one validated configuration: defaults for the embedded mode, overridden by an
 * optional JSON config file (`CONFIG_FILE`), then by environment variables. A wrong value stops
 * start-up with one message naming the key and the expected form. The result is frozen.
 */
import type { KafkaSasl } from "../messages/consumer.ts";
import type { CrawlerSettings } from "../messages/crawler.ts";
import {
  DUCKDB_CHECKPOINT_MB,
  DUCKDB_MEMORY_LIMIT_MB,
  type LakeTarget,
  type StringCompression,
  type WarehouseTarget,
} from "../messages/writer.ts";
import { type Setting, SETTINGS, type Settings, type SettingValue } from "./settings.ts";

/** Raised for a configuration that cannot start the pipeline; the message lists every problem. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

type Raw = { [K in keyof Settings]: ReturnType<Settings[K]["parse"]> };

/** The validated configuration. */
export interface Config {
  readonly dataDir: string;
  readonly kafka: {
    readonly brokers: readonly string[];
    /** True when no brokers were configured and the local dev broker is used. */
    readonly localDevBroker: boolean;
    readonly topic: string;
    readonly group: string;
    readonly startOffset: "earliest" | "latest";
    readonly sasl: KafkaSasl | undefined;
    readonly ssl: boolean;
    /** PEM file of the CAs to trust over TLS; undefined: the runtime's roots. */
    readonly sslCaFile: string | undefined;
    /** Broker addresses the cluster advertises besides the bootstrap list (network access). */
    readonly extraHosts: readonly string[];
  };
  readonly warehouse: WarehouseTarget;
  readonly lake: LakeTarget;
  readonly control: {
    readonly host: string;
    readonly port: number;
    readonly token: string | undefined;
    /** Port serving the scrape routes without a token; undefined: none. */
    readonly metricsPort: number | undefined;
  };
  readonly pipeline: {
    readonly enrichers: number;
    readonly chunkSize: number;
    readonly batchMaxRows: number;
    readonly batchMaxAgeMs: number;
    readonly batchMaxBytes: number;
    readonly exportIntervalMinutes: number;
    readonly exportMaxRows: number;
    /** Run the dbt models after each successful export. */
    readonly modelsAfterExport: boolean;
    /** Exit after a stage has been stuck this long (0: never). */
    readonly stallExitAfterMs: number;
    /** Not ready once events wait and nothing progressed this long (0: never). */
    readonly readyStallAfterMs: number;
    /** Time allowed to drain, commit and stop after a signal. */
    readonly stopDeadlineMs: number;
    /** Time cap of one BigQuery or Cloud Storage request. */
    readonly warehouseTimeoutMs: number;
    /** glibc's fixed mmap threshold, KiB, set at start (0: glibc's own, dynamic). */
    readonly mallocMmapThresholdKb: number;
  };
  /** The crawler's slice: its settings, whether it runs beside ingestion, its Workers. */
  readonly crawl: CrawlerSettings & {
    readonly enabled: boolean;
    readonly workers: number;
  };
  readonly geoip: {
    readonly table: string | undefined;
    readonly csv: string | undefined;
    readonly csvIpv6: string | undefined;
    readonly refreshMs: number;
  };
  /** Emulator endpoints; undefined in production. */
  readonly endpoints: {
    readonly bigquery: string | undefined;
    readonly storage: string | undefined;
  };
  /** Files the configuration was read from: `CONFIG_FILE` and `*_FILE` secrets (read access). */
  readonly files: readonly string[];
}

/** A source of raw setting texts (environment, file contents). */
export type Source = (key: string) => string | undefined;

function parseWarehouse(
  text: string | undefined,
  dataDir: string,
  duckdb: { stringCompression: StringCompression; memoryLimitMb: number; checkpointMb: number },
): WarehouseTarget | string {
  if (text === undefined) return { kind: "duckdb", path: `${dataDir}/warehouse.duckdb`, ...duckdb };
  const duck = /^duckdb:(.+)$/.exec(text);
  if (duck?.[1]) return { kind: "duckdb", path: duck[1], ...duckdb };
  const bq = /^bigquery:([a-z][a-z0-9-]{4,28}[a-z0-9])\.([A-Za-z0-9_]{1,1024})$/.exec(text);
  if (bq?.[1] && bq[2]) return { kind: "bigquery", project: bq[1], dataset: bq[2] };
  return "WAREHOUSE must be duckdb:<path> or bigquery:<project>.<dataset>";
}

function parseLake(text: string | undefined, dataDir: string): LakeTarget | string {
  if (text === undefined) return { kind: "folder", path: `${dataDir}/lake` };
  if (text.startsWith("gs://")) {
    const m = /^gs:\/\/([a-z0-9][a-z0-9._-]{1,221}[a-z0-9])(?:\/(.*))?$/.exec(text);
    if (!m?.[1]) return "LAKE must be a folder or gs://bucket/prefix";
    return { kind: "gcs", bucket: m[1], prefix: (m[2] ?? "").replace(/\/+$/, "") };
  }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return "LAKE must be a folder or gs://bucket/prefix";
  return { kind: "folder", path: text };
}

/** Reads each setting from the sources (first source wins), validating as it goes. */
export function resolveConfig(sources: Source[], readFile: (path: string) => string): Config {
  const problems: string[] = [];
  const files: string[] = [];
  const raw: Partial<Record<string, SettingValue | undefined>> = {};
  for (const [name, setting] of Object.entries(SETTINGS) as [string, Setting<SettingValue>][]) {
    let text: string | undefined = undefined;
    for (const source of sources) {
      text = source(setting.key);
      if (text === undefined && setting.secret) {
        const file = source(`${setting.key}_FILE`);
        if (file !== undefined) {
          text = readFile(file).trim();
          files.push(file);
        }
      }
      if (text !== undefined) break;
    }
    if (text === undefined) {
      raw[name] = setting.fallback;
      continue;
    }
    const value = setting.parse(text);
    if (value === undefined) {
      const shown = setting.secret ? "(secret not shown)" : JSON.stringify(text);
      problems.push(`${setting.key} must be ${setting.form}, got ${shown}`);
    }
    raw[name] = value;
  }
  const r = raw as Raw;
  const dataDir = set(r.dataDir, "dataDir");
  const warehouse = parseWarehouse(
    r.warehouse,
    dataDir,
    // A value that does not parse is already among the problems; any will do until thrown.
    {
      stringCompression: r.duckdbStringCompression ?? "auto",
      memoryLimitMb: r.duckdbMemoryLimitMb ?? DUCKDB_MEMORY_LIMIT_MB,
      checkpointMb: r.duckdbCheckpointMb ?? DUCKDB_CHECKPOINT_MB,
    },
  );
  const lake = parseLake(r.lake, dataDir);
  if (typeof warehouse === "string") problems.push(warehouse);
  if (typeof lake === "string") problems.push(lake);
  const mechanism = set(r.kafkaSaslMechanism, "kafkaSaslMechanism");
  if (mechanism !== "none" && (!r.kafkaSaslUsername || !r.kafkaSaslPassword)) {
    problems.push(
      `KAFKA_SASL_MECHANISM=${mechanism} needs KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE)`,
    );
  }
  if (r.kafkaSslCaFile !== undefined && r.kafkaSsl !== true) {
    problems.push("KAFKA_SSL_CA_FILE is set but KAFKA_SSL is not true: set KAFKA_SSL=true");
  }
  if (problems.length > 0 || typeof warehouse === "string" || typeof lake === "string") {
    throw new ConfigError(`Invalid configuration:\n  ${problems.join("\n  ")}`);
  }
  const brokers = r.kafkaBrokers ?? [];
  return deepFreeze<Config>({
    dataDir,
    kafka: {
      brokers: brokers.length > 0 ? brokers : ["127.0.0.1:9092"],
      localDevBroker: brokers.length === 0,
      topic: set(r.kafkaTopic, "kafkaTopic"),
      group: set(r.kafkaGroup, "kafkaGroup"),
      startOffset: set(r.kafkaStartOffset, "kafkaStartOffset"),
      sasl: mechanism === "none" ? undefined : {
        mechanism,
        username: r.kafkaSaslUsername ?? "",
        password: r.kafkaSaslPassword ?? "",
      },
      ssl: set(r.kafkaSsl, "kafkaSsl"),
      sslCaFile: r.kafkaSslCaFile,
      extraHosts: r.kafkaExtraHosts ?? [],
    },
    warehouse,
    lake,
    control: {
      host: set(r.controlHost, "controlHost"),
      port: set(r.controlPort, "controlPort"),
      token: r.controlToken,
      metricsPort: set(r.metricsPort, "metricsPort") || undefined,
    },
    pipeline: {
      enrichers: set(r.enrichers, "enrichers"),
      chunkSize: set(r.chunkSize, "chunkSize"),
      batchMaxRows: set(r.batchMaxRows, "batchMaxRows"),
      batchMaxAgeMs: set(r.batchMaxAgeMs, "batchMaxAgeMs"),
      batchMaxBytes: set(r.batchMaxBytes, "batchMaxBytes"),
      exportIntervalMinutes: set(r.exportIntervalMinutes, "exportIntervalMinutes"),
      exportMaxRows: set(r.exportMaxRows, "exportMaxRows"),
      modelsAfterExport: set(r.modelsAfterExport, "modelsAfterExport"),
      stallExitAfterMs: set(r.stallExitAfterMs, "stallExitAfterMs"),
      readyStallAfterMs: set(r.readyStallAfterMs, "readyStallAfterMs"),
      stopDeadlineMs: set(r.stopDeadlineMs, "stopDeadlineMs"),
      warehouseTimeoutMs: set(r.warehouseTimeoutMs, "warehouseTimeoutMs"),
      mallocMmapThresholdKb: set(r.mallocMmapThresholdKb, "mallocMmapThresholdKb"),
    },
    crawl: {
      enabled: set(r.crawlEnabled, "crawlEnabled"),
      workers: set(r.crawlWorkers, "crawlWorkers"),
      allowedHosts: set(r.crawlAllowedHosts, "crawlAllowedHosts"),
      userAgent: set(r.crawlUserAgent, "crawlUserAgent"),
      concurrency: set(r.crawlConcurrency, "crawlConcurrency"),
      hostConcurrency: set(r.crawlHostConcurrency, "crawlHostConcurrency"),
      ratePerHost: set(r.crawlRatePerHost, "crawlRatePerHost"),
      timeoutMs: set(r.crawlTimeoutMs, "crawlTimeoutMs"),
      maxBytes: set(r.crawlMaxBytes, "crawlMaxBytes"),
      maxTries: set(r.crawlMaxTries, "crawlMaxTries"),
    },
    geoip: {
      table: r.geoipTable,
      csv: r.geoipCsv,
      csvIpv6: r.geoipCsvIpv6,
      refreshMs: set(r.geoipRefreshMs, "geoipRefreshMs"),
    },
    endpoints: { bigquery: r.bigqueryEndpoint, storage: r.storageEndpoint },
    files,
  });
}

/**
 * The value of a setting that has a default: once validation passed it is always set (its text
 * parsed, or the default). The defaults live in `SETTINGS` only.
 */
function set<T>(value: T | undefined, name: keyof Settings): T {
  if (value === undefined) {
    throw new Error(
      `Setting ${SETTINGS[name].key} has no value and no default: fix config/settings.ts`,
    );
  }
  return value;
}

function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/** Reads a JSON config file into a source; its keys are the environment names. */
export function fileSource(path: string, contents: string): Source {
  let parsed: unknown;
  try {
    parsed = JSON.parse(contents);
  } catch (error) {
    throw new ConfigError(`Config file ${path} is not valid JSON: ${String(error)}`);
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) {
    throw new ConfigError(`Config file ${path} must hold a JSON object of KEY: value`);
  }
  const known = new Set(Object.values(SETTINGS).flatMap((s) => [s.key, `${s.key}_FILE`]));
  const entries = Object.entries(parsed as Record<string, unknown>);
  const unknown = entries.map(([k]) => k).filter((k) => !known.has(k));
  if (unknown.length > 0) {
    throw new ConfigError(`Config file ${path} has unknown keys: ${unknown.join(", ")}`);
  }
  return (key) => {
    const value = (parsed as Record<string, unknown>)[key];
    return value === undefined || value === null ? undefined : String(value);
  };
}

/**
 * Loads the configuration of this process: `CONFIG_FILE` (optional) under the environment.
 * `readSecret` reads `*_FILE` secrets; `compile` passes a placeholder, because a binary is
 * built for a configuration whose secrets exist only where it runs.
 */
export function loadConfig(
  env: Source = (k) => Deno.env.get(k),
  readSecret?: (path: string) => string,
): Config {
  const readFile = (path: string) => {
    try {
      return Deno.readTextFileSync(path);
    } catch (error) {
      throw new ConfigError(`Cannot read ${path}: ${(error as Error).message}`);
    }
  };
  const file = env("CONFIG_FILE");
  const sources = file === undefined ? [env] : [env, fileSource(file, readFile(file))];
  const config = resolveConfig(sources, readSecret ?? readFile);
  return file === undefined ? config : deepFreeze({ ...config, files: [file, ...config.files] });
}

/** The configuration with secrets replaced, for logs and the status page. */
export function redacted(config: Config): unknown {
  return JSON.parse(
    JSON.stringify(
      config,
      (key, value) =>
        (key === "password" || key === "token") && value !== undefined ? "***" : value,
    ),
  );
}
