/**
 * Shared steps of the end-to-end ingestion tests: a 6-partition topic on the test broker,
 * generated traffic, the pipeline's environment, and waiting until the group has committed
 * everything (commits follow durability, so this means everything is in the warehouse).
 */
import { Kafka, logLevel } from "kafkajs";
import { produceEvents } from "../../tools/produce/mod.ts";
import { testKafka, uniqueTopic } from "../kafka_fixture.ts";

/** A fresh topic and group on the test broker (`configs`: topic settings, e.g. timestamps). */
export async function freshTopic(
  prefix: string,
  partitions = 6,
  configs: Record<string, string> = {},
) {
  const kafka = await testKafka();
  const topic = uniqueTopic(prefix);
  const admin = new Kafka({ brokers: [kafka.plain], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{
      topic,
      numPartitions: partitions,
      configEntries: Object.entries(configs).map(([name, value]) => ({ name, value })),
    }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  return { brokers: kafka.plain, topic, group: `${topic}-group` };
}

/** Produces `count` generated events (`badFraction` hostile) to `topic`. */
export function produce(
  brokers: string,
  topic: string,
  count: number,
  badFraction: number,
  rate?: number,
) {
  return produceEvents({
    brokers: [brokers],
    sasl: undefined,
    ssl: false,
    topic,
    count,
    badFraction,
    seed: 7,
    ...(rate === undefined ? {} : { rate }),
  });
}

/** Environment of a pipeline process consuming `topic` as `group`. */
export function pipelineEnv(
  t: { brokers: string; topic: string; group: string },
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    KAFKA_BROKERS: t.brokers,
    KAFKA_TOPIC: t.topic,
    KAFKA_GROUP: t.group,
    CRAWL_ENABLED: "false",
    BATCH_MAX_AGE_MS: "200",
    LOG_LEVEL: "warn",
    ...extra,
  };
}

/** Messages the group has not committed yet, over all partitions (its true lag). */
export async function groupLag(t: { brokers: string; topic: string; group: string }) {
  const admin = new Kafka({ brokers: [t.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const ends = await admin.fetchTopicOffsets(t.topic);
    const [committed] = await admin.fetchOffsets({ groupId: t.group, topics: [t.topic] });
    const at = new Map(
      (committed?.partitions ?? []).map((p) => [p.partition, Math.max(0, Number(p.offset))]),
    );
    return ends.reduce((n, p) => n + Number(p.high) - (at.get(p.partition) ?? 0), 0);
  } finally {
    await admin.disconnect();
  }
}

/**
 * Resolves with each partition's end offset once the group's committed offsets reach the ends
 * (polling the broker); rejects after `timeoutMs`.
 */
export async function caughtUp(
  t: { brokers: string; topic: string; group: string },
  timeoutMs = 180_000,
): Promise<Map<number, number>> {
  const admin = new Kafka({ brokers: [t.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (true) {
      const ends = new Map(
        (await admin.fetchTopicOffsets(t.topic)).map((p) => [p.partition, Number(p.high)]),
      );
      const [committed] = await admin.fetchOffsets({ groupId: t.group, topics: [t.topic] });
      const behind = (committed?.partitions ?? []).filter((p) =>
        Number(p.offset) < (ends.get(p.partition) ?? 0)
      );
      if (committed !== undefined && behind.length === 0) return ends;
      if (Date.now() > deadline) {
        throw new Error(
          `Group ${t.group} did not commit to the end in ${timeoutMs} ms: ${
            JSON.stringify(behind)
          }`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  } finally {
    await admin.disconnect();
  }
}
