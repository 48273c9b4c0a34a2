/**
 * A real single-node broker for a benchmark: started on free loopback ports in a scratch
 * directory, handed to `use`, then stopped and removed. Benchmarks create 6-partition topics on it.
 */
import { Kafka, logLevel } from "kafkajs";
import { freePorts } from "../test/free_port.ts";
import { startBroker } from "../tools/kafka/kafka_broker.ts";

/** What a benchmark gets: the bootstrap address and a scratch directory of its own. */
export interface BenchKafka {
  readonly brokers: string;
  readonly scratch: string;
  /** Creates a 6-partition topic and waits for its leaders. */
  createTopic(topic: string): Promise<void>;
}

/** Runs `use` against a fresh broker; the broker and scratch directory go away afterwards. */
export async function withBenchKafka<T>(
  prefix: string,
  use: (kafka: BenchKafka) => Promise<T>,
): Promise<T> {
  const scratch = await Deno.makeTempDir({ prefix });
  const [plainPort, saslPort, controllerPort] = freePorts(3) as [number, number, number];
  const broker = await startBroker({
    dataDir: `${scratch}/kafka`,
    plainPort,
    saslPort,
    controllerPort,
    saslUsername: "bench",
    saslPassword: crypto.randomUUID(),
    defaultPartitions: 6,
    heapMiB: 1024,
    startTimeoutMs: 120_000,
  });
  const brokers = broker.plainBootstrap;
  try {
    return await use({
      brokers,
      scratch,
      async createTopic(topic) {
        const admin = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        try {
          await admin.createTopics({ topics: [{ topic, numPartitions: 6 }], waitForLeaders: true });
        } finally {
          await admin.disconnect();
        }
      },
    });
  } finally {
    await broker.stop();
    await Deno.remove(scratch, { recursive: true });
  }
}
