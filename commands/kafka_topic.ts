/**
 * Makes sure the pipeline can consume before it starts: the cluster accepts the login, every
 * broker it advertises is within this run's network permissions, and the topic exists (created,
 * 6 partitions, on the local dev broker; required, with a clear error, on configured brokers,
 * which the pipeline never changes). Access failures become a KafkaAccessError.
 */
import { Kafka, logLevel } from "kafkajs";
import type { Config } from "../config/config.ts";
import { kafkaClient, kafkaConfig } from "../actors/consumer/kafka_client.ts";
import { getLogger } from "../observability/log.ts";
import { assertBrokersPermitted, KafkaAccessError, kafkaAccessError } from "./kafka_access.ts";

const log = getLogger("main");

/** Partitions of the topic created on the local dev broker. */
export const DEV_TOPIC_PARTITIONS = 6;

/** Creates the topic on the dev broker when missing; on other brokers, checks it exists. */
export async function ensureTopic(config: Config): Promise<void> {
  await probeAccess(config);
  try {
    await checkTopic(config);
  } catch (error) {
    throw kafkaAccessError(error, config.kafka) ?? error;
  }
}

/**
 * One quiet attempt to log in and read the cluster's brokers, without kafkajs's retries: a
 * refused login or certificate would be retried and logged on every layer, and a broker outside
 * the permissions would be retried forever. Those throw KafkaAccessError; any other failure
 * (a broker still starting) is left to the retrying client that follows, which reports it.
 */
async function probeAccess(config: Config): Promise<void> {
  const probe = { ...kafkaConfig(config.kafka, "lakehouse-probe"), retry: { retries: 0 } };
  const admin = new Kafka({ ...probe, logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const { brokers } = await admin.describeCluster();
    await assertBrokersPermitted(brokers.map((b) => `${b.host}:${b.port}`));
  } catch (error) {
    if (error instanceof KafkaAccessError) throw error;
    const access = kafkaAccessError(error, config.kafka);
    if (access !== undefined) throw access;
    log.debug("KafkaProbeFailed", { error, next: "connecting with retries" });
  } finally {
    await admin.disconnect();
  }
}

async function checkTopic(config: Config): Promise<void> {
  const admin = kafkaClient(config.kafka, "lakehouse-admin").admin();
  await admin.connect();
  try {
    const { brokers } = await admin.describeCluster();
    await assertBrokersPermitted(brokers.map((b) => `${b.host}:${b.port}`));
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
