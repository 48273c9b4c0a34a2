/**
 * Builds the kafkajs client from the validated Kafka configuration: brokers, SASL (PLAIN or
 * SCRAM) and TLS. kafkajs logs go through the pipeline's logger.
 */
import { Kafka, type KafkaConfig, logLevel, type SASLOptions } from "kafkajs";
import type { Config } from "../../config/config.ts";
import { getLogger } from "../../observability/log.ts";
import { fixKafkajsRequestQueue } from "./kafkajs_request_queue.ts";

const log = getLogger("kafkajs");

/** The Kafka slice of the configuration. */
export type KafkaSettings = Pick<Config["kafka"], "brokers" | "sasl" | "ssl">;

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

/** Returns a kafkajs client for the configured cluster. */
export function kafkaClient(settings: KafkaSettings, clientId: string): Kafka {
  fixKafkajsRequestQueue();
  const config: KafkaConfig = {
    clientId,
    brokers: [...settings.brokers],
    ssl: settings.ssl,
    logLevel: logLevel.WARN,
    logCreator: () => ({ namespace, level, log: entry }) => {
      const { message, ...fields } = entry;
      const event = `Kafka${namespace || "Client"}`;
      if (level <= logLevel.ERROR) log.error(event, { message, ...fields });
      else log.warn(event, { message, ...fields });
    },
  };
  const options = sasl(settings);
  return new Kafka(options === undefined ? config : { ...config, sasl: options });
}
