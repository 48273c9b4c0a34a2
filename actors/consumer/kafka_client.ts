/**
 * Builds the kafkajs client from the validated Kafka configuration: brokers, SASL (PLAIN or
 * SCRAM) and TLS (optionally with its own CA file). kafkajs logs go through the pipeline's logger,
 * never with message bytes.
 */
import type { ConnectionOptions } from "node:tls";
import { Kafka, type KafkaConfig, type SASLOptions } from "kafkajs";
import type { KafkaSettings } from "../../messages/consumer.ts";
import { kafkaLogCreator, kafkaLogLevel } from "../../observability/kafka_log.ts";
import { fixKafkajsRequestQueue } from "./kafkajs_request_queue.ts";

/** kafkajs's TLS option: off, the runtime's roots, or the CAs of `KAFKA_SSL_CA_FILE`. */
export function kafkaTls(settings: KafkaSettings): boolean | ConnectionOptions {
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

/** The kafkajs configuration of the cluster: brokers, TLS, SASL, logs through the logger. */
export function kafkaConfig(settings: KafkaSettings, clientId: string): KafkaConfig {
  fixKafkajsRequestQueue();
  const config: KafkaConfig = {
    clientId,
    brokers: [...settings.brokers],
    ssl: kafkaTls(settings),
    logLevel: kafkaLogLevel(),
    logCreator: kafkaLogCreator,
  };
  const options = sasl(settings);
  return options === undefined ? config : { ...config, sasl: options };
}

/** Returns a kafkajs client for the configured cluster. */
export function kafkaClient(settings: KafkaSettings, clientId: string): Kafka {
  return new Kafka(kafkaConfig(settings, clientId));
}
