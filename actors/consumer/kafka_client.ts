/**
 * Builds the kafkajs client from the validated Kafka configuration: brokers, SASL (PLAIN or
 * SCRAM) and TLS (optionally with its own CA file). kafkajs logs go through the pipeline's logger.
 */
import type { ConnectionOptions } from "node:tls";
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from "kafkajs";
import type { Config } from "../../config/config.ts";
import { getLogger } from "../../observability/log.ts";
import { fixKafkajsRequestQueue } from "./kafkajs_request_queue.ts";

const log = getLogger("kafkajs");

/** The Kafka slice of the configuration. */
export type KafkaSettings = Pick<Config["kafka"], "brokers" | "sasl" | "ssl"> & {
  readonly sslCaFile?: string | undefined;
};

/** kafkajs's TLS option: off, the runtime's roots, or the CAs of `KAFKA_SSL_CA_FILE`. */
function tls(settings: KafkaSettings): boolean | ConnectionOptions {
  if (!settings.ssl) return false;
  if (settings.sslCaFile === undefined) return true;
  try {
    return { ca: [Deno.readTextFileSync(settings.sslCaFile)] };
  } catch (error) {
    throw new Error(
      `Cannot read KAFKA_SSL_CA_FILE ${settings.sslCaFile}: ${(error as Error).message}`,
      { cause: error },
    );
  }
}

function sasl(settings: KafkaSettings): SASLOptions | undefined {
  const s = settings.sasl;
  if (s === undefined) return undefined;
  const { username, password } = s;
  switch (s.mechanism) {
    case "plain":
      return { mechanism: "plain", username, password };
    case "scram-sha-256":
      return { mechanism: "scram-sha-256", username, password };
    case "scram-sha-512":
      return { mechanism: "scram-sha-512", username, password };
  }
}

/**
 * kafkajs logs a refused SASL login at error level on three layers before it throws it to the
 * caller, which reports it once (start: KafkaLoginRefused; the consumer: a crash): debug here.
 */
const LOGIN_REFUSED = /SaslAuthenticate|SASL .* authentication failed/i;
/** Deno refusing a connection to a broker the cluster advertised but the run may not reach. */
const NET_DENIED = /Requires net access to/;
const NET_DENIED_HINT =
  "a broker outside this run's network permissions: add it to KAFKA_EXTRA_HOSTS and restart";

/** The kafkajs configuration of the cluster: brokers, TLS, SASL, logs through the logger. */
export function kafkaConfig(settings: KafkaSettings, clientId: string): KafkaConfig {
  fixKafkajsRequestQueue();
  const config: KafkaConfig = {
    clientId,
    brokers: [...settings.brokers],
    ssl: tls(settings),
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...fields } = entry;
      const event = `Kafka${namespace || "Client"}`;
      const text = `${message} ${String(fields.error ?? "")}`;
      if (LOGIN_REFUSED.test(text)) log.debug(event, { message, ...fields });
      else if (NET_DENIED.test(text)) {
        log.error(event, { message, ...fields, hint: NET_DENIED_HINT });
      } else if (level <= logLevel.ERROR) log.error(event, { message, ...fields });
      else log.warn(event, { message, ...fields });
    },
  };
  const options = sasl(settings);
  return options === undefined ? config : { ...config, sasl: options };
}

/** Returns a kafkajs client for the configured cluster. */
export function kafkaClient(settings: KafkaSettings, clientId: string): Kafka {
  return new Kafka(kafkaConfig(settings, clientId));
}
