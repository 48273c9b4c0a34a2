import assert from "node:assert/strict";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";
import { CONSUMER_PROTOCOL, type ConsumerArgs } from "../../messages/consumer.ts";
import { valueAt } from "../../messages/packed_chunk.ts";
import { inProcess } from "../runtime/testing.ts";
import { startConsumer } from "./consumer_behaviour.ts";
import { kafkaClient } from "./kafka_client.ts";

const broker = await testKafka();
const settings = {
  brokers: [broker.sasl],
  sasl: { mechanism: "plain" as const, username: broker.username, password: broker.password },
  ssl: false,
};

async function filled(topic: string, count: number): Promise<void> {
  const kafka = kafkaClient(settings, "consumer-behaviour-test");
  const admin = kafka.admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({
      topic,
      messages: Array.from({ length: count }, (_, i) => ({ value: `m${i}` })),
    });
  } finally {
    await producer.disconnect();
  }
}

async function committed(topic: string, group: string): Promise<number> {
  const admin = kafkaClient(settings, "consumer-behaviour-test").admin();
  await admin.connect();
  try {
    const [result] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
    return Number(result?.partitions[0]?.offset ?? -1);
  } finally {
    await admin.disconnect();
  }
}

Deno.test("the consumer hands chunks on with their bytes, commits only what was acknowledged, and reports its lag", async () => {
  const topic = uniqueTopic("consumer-behaviour");
  const group = `${topic}-group`;
  await filled(topic, 25);
  const args: ConsumerArgs = {
    kafka: settings,
    clientId: "consumer-behaviour-test",
    source: {
      topic,
      group,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 50,
      heartbeatMs: 1_000,
    },
    faults: { failEveryNthCommit: 0 },
  };
  let records = 0;
  const all = Promise.withResolvers<void>();
  const consumer = await inProcess(CONSUMER_PROTOCOL, startConsumer, args, {
    onEmit: (m) => {
      records += m.body.count;
      if (records >= 25) all.resolve();
    },
  });
  try {
    await all.promise;
    const chunks = consumer.emitted.map((m) => m.body);
    const text = chunks.flatMap((c) =>
      Array.from({ length: c.count }, (_, i) => new TextDecoder().decode(valueAt(c, i)))
    );
    assert.deepEqual(text, Array.from({ length: 25 }, (_, i) => `m${i}`));
    assert.ok(chunks.every((c) => c.count <= 10), "chunks hold at most chunkSize records");

    // Only the first chunk is acknowledged: the commit stops where it ends.
    const [first] = chunks;
    assert.ok(first !== undefined);
    await consumer.send("consumer.ack", { chunkIds: [first.chunkId] });
    const { pendingChunks } = await consumer.send("consumer.commit", {});
    assert.equal(pendingChunks, chunks.length - 1);
    assert.equal(await committed(topic, group), first.count);

    const lag = await consumer.send("consumer.lag", {});
    assert.equal(lag.delivered, 25);
    assert.deepEqual(lag.partitions.map((p) => [p.partition, p.high]), [[0, 25]]);
  } finally {
    await consumer.stop();
  }
});
