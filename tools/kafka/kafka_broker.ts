/**
 * Runs one real single-node KRaft Kafka broker on loopback: PLAINTEXT and SASL_PLAINTEXT (PLAIN)
 * listeners, optionally SCRAM-SHA-512, SCRAM over TLS and a second loopback address, a small
 * heap, logs in a file. Used by `deno task kafka` and by the tests.
 */
import { Kafka, logLevel } from "kafkajs";
import { fixKafkajsRequestQueue } from "../../actors/consumer/kafkajs_request_queue.ts";
import {
  type AliasListener,
  scramFormatArgs,
  serverProperties,
  type TlsListener,
} from "./broker_properties.ts";
import { kafkaLogCreator } from "../../observability/kafka_log.ts";
import { ensureKafka } from "./kafka_dist.ts";

/** How to start a dev broker. */
export interface BrokerOptions {
  /** Directory for KRaft metadata, logs and configuration; created when missing. */
  dataDir: string;
  /** PLAINTEXT listener port on 127.0.0.1. */
  plainPort: number;
  /** SASL_PLAINTEXT (PLAIN) listener port on 127.0.0.1. */
  saslPort: number;
  /** KRaft controller port on 127.0.0.1. */
  controllerPort: number;
  /** The one SASL user the broker accepts (PLAIN, and SCRAM-SHA-512 when a listener needs it). */
  saslUsername: string;
  /** Its password; never logged. */
  saslPassword: string;
  /** SASL_PLAINTEXT (SCRAM-SHA-512) listener port on 127.0.0.1; none when unset. */
  scramPort?: number;
  /** SASL_SSL (SCRAM-SHA-512 over TLS) listener on 127.0.0.1; none when unset. */
  tls?: TlsListener;
  /** A PLAINTEXT listener on another loopback address; none when unset. */
  alias?: AliasListener;
  /** Default partitions of auto-created topics. */
  defaultPartitions: number;
  /** Maximum Java heap in MiB. */
  heapMiB: number;
  /** How long to wait for the broker to answer. */
  startTimeoutMs: number;
}

/** A started broker. */
export interface Broker {
  /** `host:port` of the PLAINTEXT listener. */
  readonly plainBootstrap: string;
  /** `host:port` of the SASL listener. */
  readonly saslBootstrap: string;
  /** `host:port` of the optional listeners that were asked for. */
  readonly scramBootstrap: string | undefined;
  readonly tlsBootstrap: string | undefined;
  readonly aliasBootstrap: string | undefined;
  /** Where the broker writes its log. */
  readonly logFile: string;
  /** Process id of the Java broker. */
  readonly pid: number;
  /** Resolves when the broker process has exited. */
  readonly exited: Promise<Deno.CommandStatus>;
  /** Stops the broker (SIGTERM, then SIGKILL after `graceMs`) and waits for it. */
  stop(graceMs?: number): Promise<void>;
  /** Asks the broker to stop (SIGTERM) without waiting: for a process that exits right after. */
  signalStop(): void;
}

function log4jProperties(logFile: string): string {
  return [
    "appender.file.type=File",
    "appender.file.name=file",
    `appender.file.fileName=${logFile}`,
    "appender.file.layout.type=PatternLayout",
    "appender.file.layout.pattern=[%d] %p %m (%c)%n",
    "rootLogger.level=INFO",
    "rootLogger.appenderRef.file.ref=file",
    "",
  ].join("\n");
}

function java(libs: string, args: string[], options: BrokerOptions, logFile: string) {
  return new Deno.Command("java", {
    args: [
      `-Xmx${options.heapMiB}m`,
      "-Xms64m",
      "-XX:+UseSerialGC",
      "-XX:+ExitOnOutOfMemoryError",
      `-Dlog4j2.configurationFile=${options.dataDir}/log4j2.properties`,
      `-Dkafka.logs.dir=${options.dataDir}`,
      "-cp",
      `${libs}/*`,
      ...args,
    ],
    stdout: "null",
    stderr: "piped",
    stdin: "null",
    env: { KAFKA_LOG_FILE: logFile },
  });
}

/**
 * A KRaft cluster id: 16 random bytes in URL-safe base64 without padding, never starting with
 * "-" (the storage tool would read such an id as an option and fail, 1 start in 64).
 */
export function newClusterId(): string {
  while (true) {
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    const id = btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
      .slice(0, 22);
    if (!id.startsWith("-")) return id;
  }
}

async function formatStorage(libs: string, o: BrokerOptions, logFile: string): Promise<void> {
  try {
    await Deno.stat(`${o.dataDir}/kraft/meta.properties`);
    return; // Already formatted: a restart keeps its topics and offsets.
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const clusterId = newClusterId();
  const command = java(
    libs,
    [
      "kafka.tools.StorageTool",
      "format",
      "-t",
      clusterId,
      "-c",
      `${o.dataDir}/server.properties`,
      ...scramFormatArgs(o),
    ],
    o,
    logFile,
  );
  const output = await command.output();
  if (!output.success) {
    throw new Error(
      `Kafka storage format failed in ${o.dataDir}: ${new TextDecoder().decode(output.stderr)}`,
    );
  }
}

async function waitUntilAnswers(bootstrap: string, deadline: number, exited: () => boolean) {
  fixKafkajsRequestQueue();
  const kafka = new Kafka({
    clientId: "dev-broker-probe",
    brokers: [bootstrap],
    logLevel: logLevel.NOTHING,
    logCreator: kafkaLogCreator, // even with KAFKAJS_LOG_LEVEL set: our logger, no payloads
    retry: { retries: 0 },
    connectionTimeout: 1000,
  });
  let lastError: unknown = undefined;
  while (Date.now() < deadline && !exited()) {
    const admin = kafka.admin();
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      if (cluster.brokers.length > 0 && cluster.controller !== null) return;
    } catch (error) {
      lastError = error; // Not up yet: the broker is still starting.
    } finally {
      await admin.disconnect();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`Kafka broker did not answer on ${bootstrap} in time`, { cause: lastError });
}

/** Fetches Kafka when needed, formats storage once, starts the broker and waits until it answers. */
export async function startBroker(options: BrokerOptions): Promise<Broker> {
  const libs = await ensureKafka();
  await Deno.mkdir(options.dataDir, { recursive: true });
  const logFile = `${options.dataDir}/broker.log`;
  await Deno.writeTextFile(`${options.dataDir}/server.properties`, serverProperties(options), {
    mode: 0o600,
  });
  await Deno.writeTextFile(`${options.dataDir}/log4j2.properties`, log4jProperties(logFile));
  await formatStorage(libs, options, logFile);
  const child = java(
    libs,
    ["kafka.Kafka", `${options.dataDir}/server.properties`],
    options,
    logFile,
  )
    .spawn();
  let done = false;
  const stderr = new Response(child.stderr).text();
  const exited = child.status.then((status) => {
    done = true;
    return status;
  });
  const plainBootstrap = `127.0.0.1:${options.plainPort}`;
  try {
    await waitUntilAnswers(plainBootstrap, Date.now() + options.startTimeoutMs, () => done);
  } catch (error) {
    if (!done) child.kill("SIGKILL");
    await exited;
    throw new Error(
      `Kafka broker failed to start (log: ${logFile}): ${(await stderr).slice(-2000)}`,
      { cause: error },
    );
  }
  return {
    plainBootstrap,
    saslBootstrap: `127.0.0.1:${options.saslPort}`,
    scramBootstrap: options.scramPort === undefined ? undefined : `127.0.0.1:${options.scramPort}`,
    tlsBootstrap: options.tls === undefined ? undefined : `127.0.0.1:${options.tls.port}`,
    aliasBootstrap: options.alias === undefined
      ? undefined
      : `${options.alias.host}:${options.alias.port}`,
    logFile,
    pid: child.pid,
    exited,
    signalStop() {
      if (!done) child.kill("SIGTERM");
    },
    async stop(graceMs = 10_000) {
      if (done) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => done || child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
      await stderr;
    },
  };
}
