/**
 * The permissions each command needs, derived from the validated configuration and nothing else:
 * the brokers (bootstrap and KAFKA_EXTRA_HOSTS), the Google endpoints in use with their OAuth and
 * metadata hosts, the crawl hosts, the control port; DATA_DIR, a folder LAKE and a DuckDB file
 * to write; the program's modules, configuration and secret files, geoip and CA files to read.
 */
import type { Config } from "./config.ts";
import { controlClientHost, netAddress } from "./control_address.ts";
import { type PermissionParts, type PermissionSet, permissionSet } from "./permission_set.ts";

/** What the derivation needs besides the configuration. */
export interface PermissionContext {
  /** Where the program's modules are read from: Workers load them at run time. */
  readonly sourceRoot: string;
  /** The dev broker's Kafka jar cache (`~/.cache/clickstream-lakehouse`); unknown without HOME. */
  readonly toolCache: string | undefined;
  /** The files of the default geoip source (DB-IP Lite country). */
  readonly defaultGeoip: readonly string[];
  /** Google credential files that exist or are named (ADC file, GOOGLE_APPLICATION_CREDENTIALS). */
  readonly googleCredentials: readonly string[];
  /** What running the dbt models takes: the interpreter, the venv folder and its dbt. */
  readonly models?: ModelsPaths | undefined;
}

/** The programs and folder of the models' Python environment (`tools/python/python_env.ts`). */
export interface ModelsPaths {
  /** The interpreter that creates the venv (`PYTHON`, else `python3`). */
  readonly python: string;
  /** The folder holding the venvs (created, locked and written on first use). */
  readonly venvRoot: string;
  /** The venv's `dbt` program. */
  readonly dbt: string;
}

/** Google's token, impersonation, federation and metadata-server hosts (ADC). */
export const GOOGLE_AUTH_HOSTS = [
  "oauth2.googleapis.com:443",
  "iamcredentials.googleapis.com:443",
  "sts.googleapis.com:443",
  "169.254.169.254:80",
  "metadata.google.internal:80",
] as const;

/** `host:port` of an endpoint URL (the scheme's port when none is given). */
export function endpointHost(url: string): string {
  const parsed = new URL(url);
  const port = parsed.port || (parsed.protocol === "https:" ? "443" : "80");
  return `${parsed.hostname}:${port}`;
}

/** A crawl allow-list entry as net hosts: a bare host means its default ports, 80 and 443. */
export function crawlNet(entry: string): string[] {
  return /:\d+$/.test(entry) ? [entry] : [`${entry}:443`, `${entry}:80`];
}

/** The control server's listeners: its port and, when set, the token-free metrics port. */
function controlNet(config: Config): string[] {
  const { host, port, metricsPort } = config.control;
  return [port, ...(metricsPort === undefined ? [] : [metricsPort])].map((p) =>
    netAddress(host, p)
  );
}

function kafkaNet(config: Config): string[] {
  return [...config.kafka.brokers, ...config.kafka.extraHosts];
}

/** Google hosts of the warehouse and lake: an emulator endpoint, or the API with ADC hosts. */
function googleNet(config: Config): string[] {
  const hosts: string[] = [];
  let google = false;
  if (config.warehouse.kind === "bigquery") {
    const endpoint = config.endpoints.bigquery;
    hosts.push(endpoint === undefined ? "bigquery.googleapis.com:443" : endpointHost(endpoint));
    google ||= endpoint === undefined;
  }
  if (config.lake.kind === "gcs") {
    const endpoint = config.endpoints.storage;
    hosts.push(endpoint === undefined ? "storage.googleapis.com:443" : endpointHost(endpoint));
    google ||= endpoint === undefined;
  }
  return google ? [...hosts, ...GOOGLE_AUTH_HOSTS] : hosts;
}

function usesGoogle(config: Config): boolean {
  return (config.warehouse.kind === "bigquery" && config.endpoints.bigquery === undefined) ||
    (config.lake.kind === "gcs" && config.endpoints.storage === undefined);
}

/** DuckDB's files: the database, its write-ahead log and its spill folder. */
function warehouseFiles(config: Config): string[] {
  const w = config.warehouse;
  return w.kind === "duckdb" ? [w.path, `${w.path}.wal`, `${w.path}.tmp`] : [];
}

function lakeFolder(config: Config): string[] {
  return config.lake.kind === "folder" ? [config.lake.path] : [];
}

function geoipFiles(config: Config, context: PermissionContext): string[] {
  const { table, csv, csvIpv6 } = config.geoip;
  const given = [table, csv, csvIpv6].filter((f): f is string => f !== undefined);
  return given.length > 0 ? given : [...context.defaultGeoip];
}

/** Files every command that loads the configuration reads. */
function configFiles(config: Config): string[] {
  return [
    ...config.files,
    ...(config.kafka.sslCaFile === undefined ? [] : [config.kafka.sslCaFile]),
  ];
}

/** `start`: the pipeline with its control server, crawler and (without brokers) dev broker. */
export function startPermissions(config: Config, context: PermissionContext): PermissionSet {
  const devBroker = config.kafka.localDevBroker;
  // MODELS_AFTER_EXPORT runs dbt after exports.
  const models = config.pipeline.modelsAfterExport ? modelsParts(context) : { run: [], files: [] };
  const written = [
    config.dataDir,
    ...lakeFolder(config),
    ...warehouseFiles(config),
    ...(devBroker && context.toolCache !== undefined ? [context.toolCache] : []),
  ];
  const parts: PermissionParts = {
    net: [
      ...kafkaNet(config),
      ...controlNet(config),
      ...googleNet(config),
      ...(config.crawl.enabled ? config.crawl.allowedHosts.flatMap(crawlNet) : []),
    ],
    read: [
      context.sourceRoot,
      ...written,
      ...configFiles(config),
      ...geoipFiles(config, context),
      ...(usesGoogle(config) ? context.googleCredentials : []),
      ...models.files,
    ],
    write: [...written, ...models.files],
    run: [...(devBroker ? ["java", "mvn"] : []), ...models.run],
    env: true,
    sys: true,
    ffi: true,
  };
  return permissionSet(parts);
}

/** Running the models from a process: the venv to make and dbt to run (when HOME is known). */
function modelsParts(context: PermissionContext): { run: string[]; files: string[] } {
  const m = context.models;
  return m === undefined ? { run: [], files: [] } : { run: [m.python, m.dbt], files: [m.venvRoot] };
}

/**
 * `models`: dbt over the lake folder (Bronze read, Silver/Gold and the models' state written
 * under the lake and DATA_DIR) or over BigQuery; dbt is a child process with its own network.
 */
export function modelsPermissions(config: Config, context: PermissionContext): PermissionSet {
  const models = modelsParts(context);
  const written = [config.dataDir, ...lakeFolder(config), ...models.files];
  return permissionSet({
    read: [context.sourceRoot, ...written, ...configFiles(config)],
    write: written,
    run: models.run,
    env: true,
    sys: true,
    ffi: true,
  });
}

/** `export`: asks the running pipeline's control server, with the token from DATA_DIR. */
export function exportPermissions(config: Config): PermissionSet {
  return permissionSet({
    net: [netAddress(controlClientHost(config.control.host), config.control.port)],
    read: [config.dataDir, ...config.files],
    env: true,
  });
}

/** `produce`: writes generated events to the configured brokers. */
export function producePermissions(config: Config): PermissionSet {
  return permissionSet({ net: kafkaNet(config), read: configFiles(config), env: true });
}

/** `crawl`: names products of the DuckDB warehouse once, with the pipeline stopped. */
export function crawlPermissions(config: Config): PermissionSet {
  const written = [config.dataDir, ...warehouseFiles(config)];
  return permissionSet({
    net: config.crawl.allowedHosts.flatMap(crawlNet),
    read: [...written, ...config.files],
    write: written,
    env: true,
    sys: true,
    ffi: true,
  });
}

/** `reset-partition`: the warehouse alone (the DuckDB file, or BigQuery), pipeline stopped. */
export function resetPermissions(config: Config, context: PermissionContext): PermissionSet {
  const written = [config.dataDir, ...warehouseFiles(config)];
  return permissionSet({
    net: config.warehouse.kind === "bigquery" ? googleNet(config) : [],
    read: [
      ...written,
      ...configFiles(config),
      ...(usesGoogle(config) ? context.googleCredentials : []),
    ],
    write: written,
    env: true,
    sys: true,
    ffi: true,
  });
}

/** The dev broker's ports and folder, as `deno task kafka` takes them. */
export interface DevBrokerPlace {
  readonly dataDir: string;
  readonly plainPort: number;
}

/** `kafka`: the dev broker alone (Java does the rest; Deno only probes the plain listener). */
export function kafkaPermissions(place: DevBrokerPlace, context: PermissionContext): PermissionSet {
  const written = [place.dataDir, ...(context.toolCache === undefined ? [] : [context.toolCache])];
  return permissionSet({
    net: [`127.0.0.1:${place.plainPort}`],
    read: written,
    write: written,
    run: ["java", "mvn"],
    env: true,
  });
}
