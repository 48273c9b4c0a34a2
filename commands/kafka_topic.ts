/**
 * Makes sure the pipeline's topic exists before consuming: created (6 partitions) on the local
 * dev broker, required (with a clear error) on configured brokers, which the pipeline never
 * changes.
 */
import type { Config } from "../config/config.ts";
import { kafkaClient } from "../actors/consumer/kafka_client.ts";

/** Partitions of the topic created on the local dev broker. */
export const DEV_TOPIC_PARTITIONS = 6;

/** Creates the topic on the dev broker when missing; on other brokers, checks it exists. */
export async function ensureTopic(config: Config): Promise<void> {
  const admin = kafkaClient(config.kafka, "lakehouse-admin").admin();
  await admin.connect();
  try {
    const topics = await admin.listTopics();
    if (topics.includes(config.kafka.topic)) return;
    if (!config.kafka.localDevBroker) {
      throw new Error(
        `Cannot consume: topic "${config.kafka.topic}" does not exist on ${
          config.kafka.brokers.join(",")
        }; ` +
          "create it or set KAFKA_TOPIC",
      );
    }
    await admin.createTopics({
      topics: [{
        topic: config.kafka.topic,
        numPartitions: DEV_TOPIC_PARTITIONS,
        replicationFactor: 1,
      }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
}
