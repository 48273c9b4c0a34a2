/**
 * `deno task bench -- kafka-clients [--count N]`: the issue asks to keep kafkajs unless it cannot
 * keep up, and then to measure a KafkaJS-compatible alternative side by side. This consumes the
 * same pre-filled 6-partition topic (N generated events, default 300,000) from the earliest
 * offset with kafkajs and with @platformatic/kafka (pure JavaScript; @confluentinc's client needs a
 * native download this machine cannot reach), each as a fresh consumer group, and prints
 * messages/s and MB/s. Only consumption is timed: no enrichment, no commits.
 */
import { Consumer as PlatformaticConsumer } from "@platformatic/kafka";
import { Kafka, logLevel } from "kafkajs";
import { parseArgs } from "node:util";
import { produceEvents } from "../tools/produce/mod.ts";
import { withBenchKafka } from "./bench_kafka.ts";

interface Figures {
  readonly seconds: number;
  readonly bytes: number;
}

async function withKafkajs(brokers: string, topic: string, count: number): Promise<Figures> {
  const consumer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING })
    .consumer({ groupId: `kafkajs-${crypto.randomUUID()}`, maxWaitTimeInMs: 500 });
  await consumer.connect();
  await consumer.subscribe({ topics: [topic], fromBeginning: true });
  const done = Promise.withResolvers<void>();
  let seen = 0;
  let bytes = 0;
  const started = performance.now();
  await consumer.run({
    autoCommit: false,
    partitionsConsumedConcurrently: 6,
    eachBatch: ({ batch }) => {
      for (const m of batch.messages) bytes += m.value?.byteLength ?? 0;
      seen += batch.messages.length;
      if (seen >= count) done.resolve();
      return Promise.resolve();
    },
  });
  await done.promise;
  const seconds = (performance.now() - started) / 1000;
  await consumer.disconnect();
  return { seconds, bytes };
}

async function withPlatformatic(brokers: string, topic: string, count: number): Promise<Figures> {
  const consumer = new PlatformaticConsumer({
    groupId: `platformatic-${crypto.randomUUID()}`,
    clientId: "bench",
    bootstrapBrokers: [brokers],
  });
  const started = performance.now();
  const stream = await consumer.consume({ topics: [topic], autocommit: false, mode: "earliest" });
  let seen = 0;
  let bytes = 0;
  for await (const message of stream) {
    bytes += message.value?.byteLength ?? 0;
    if (++seen >= count) break;
  }
  const seconds = (performance.now() - started) / 1000;
  await consumer.close(true);
  return { seconds, bytes };
}

/** Pre-fills a topic and consumes it with both clients. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { count: { type: "string", default: "300000" } } });
  const count = Number(values.count);
  await withBenchKafka("kafka-clients-bench-", async (kafka) => {
    const topic = "bench-clients";
    await kafka.createTopic(topic);
    await produceEvents({
      brokers: [kafka.brokers],
      sasl: undefined,
      ssl: false,
      topic,
      count,
      seed: 5,
      maxInFlight: 4,
    });
    for (
      const [name, consume] of [["kafkajs 2.2.4", withKafkajs], [
        "@platformatic/kafka 2.12.1",
        withPlatformatic,
      ]] as const
    ) {
      const f = await consume(kafka.brokers, topic, count);
      console.log(
        `${name.padEnd(28)} ${(count / f.seconds).toFixed(0).padStart(8)} msgs/s  ${
          (f.bytes / f.seconds / 2 ** 20).toFixed(1)
        } MiB/s  (${count} msgs in ${f.seconds.toFixed(2)} s)`,
      );
    }
  });
  return 0;
}
