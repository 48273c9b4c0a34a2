import assert from "node:assert/strict";
import type { Kafka } from "kafkajs";
import { kafkaClient } from "../../actors/consumer/kafka_client.ts";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";
import { generateMessages } from "./generate_messages.ts";
import { produceEvents } from "./produce_events.ts";

const broker = await testKafka();
const settings = {
  brokers: [broker.sasl],
  sasl: { mechanism: "plain" as const, username: broker.username, password: broker.password },
  ssl: false,
};
const kafka = kafkaClient(settings, "produce-test");

async function createTopic(client: Kafka, topic: string): Promise<void> {
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
}

async function sha256(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array(bytes)));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** Reads `expected` messages with a consumer group: per key, value hashes in offset order. */
async function consumeAll(topic: string, expected: number) {
  const consumer = kafka.consumer({ groupId: `g-${topic}` });
  const byKey = new Map<string, Promise<string>[]>();
  const partitionsOf = new Map<string, Set<number>>();
  let received = 0;
  const done = Promise.withResolvers<void>();
  const timer = setTimeout(() => done.reject(new Error(`only ${received} of ${expected}`)), 60_000);
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({
    eachMessage: ({ partition, message }) => {
      const key = message.key?.toString() ?? "";
      const list = byKey.get(key) ?? [];
      list.push(sha256(message.value ?? new Uint8Array()));
      byKey.set(key, list);
      partitionsOf.set(key, (partitionsOf.get(key) ?? new Set()).add(partition));
      if (++received >= expected) done.resolve();
      return Promise.resolve();
    },
  });
  try {
    await done.promise;
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  const hashes = new Map<string, string[]>();
  for (const [key, list] of byKey) hashes.set(key, await Promise.all(list));
  return { received, hashes, partitionsOf };
}

Deno.test({
  name:
    "10,000 events sent through SASL are read back completely, each device in order on one partition",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("produce");
    await createTopic(kafka, topic);
    const options = { seed: 77, count: 10_000, badFraction: 0.05 };
    const summary = await produceEvents({ ...settings, ...options, topic });
    const expected = new Map<string, string[]>();
    const kinds = new Map<string, number>();
    for (const m of generateMessages(options)) {
      expected.set(m.key, [...(expected.get(m.key) ?? []), await sha256(m.value)]);
      if (m.hostile) kinds.set(m.hostile, (kinds.get(m.hostile) ?? 0) + 1);
    }
    assert.equal(summary.sent, 10_000);
    assert.equal(summary.hostile, [...kinds.values()].reduce((a, b) => a + b, 0));
    for (const [kind, n] of Object.entries(summary.hostileByKind)) {
      assert.equal(n, kinds.get(kind) ?? 0);
    }
    assert.ok(summary.seconds > 0 && summary.rate > 0);

    const { received, hashes, partitionsOf } = await consumeAll(topic, 10_000);
    assert.equal(received, 10_000);
    assert.deepEqual(hashes, expected);
    for (const [key, partitions] of partitionsOf) assert.equal(partitions.size, 1, key);
  },
});

Deno.test({
  name: "a rate bound holds a produce to about the requested events per second",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("produce-rate");
    await createTopic(kafka, topic);
    const summary = await produceEvents({ ...settings, topic, seed: 2, count: 600, rate: 1000 });
    assert.equal(summary.sent, 600);
    // The first batch (rate / 20 = 50 events) is free; the other 550 need 0.55 s at 1000/s.
    assert.ok(summary.seconds >= 0.55, `took ${summary.seconds} s`);
    assert.ok(summary.rate <= 1100, `rate ${summary.rate}`);
  },
});

Deno.test({
  name: "progress is reported while sending, at most once per interval",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("produce-progress");
    await createTopic(kafka, topic);
    const reports: number[] = [];
    await produceEvents({
      ...settings,
      topic,
      seed: 3,
      count: 400,
      rate: 1000,
      progressIntervalMs: 100,
      onProgress: (p) => reports.push(p.sent),
    });
    assert.ok(reports.length >= 2 && reports.length <= 5, `${reports.length} reports`);
    assert.deepEqual(reports, [...reports].sort((a, b) => a - b));
  },
});

Deno.test({
  name: "a wrong SASL password fails the produce with the broker's authentication error",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const wrong = { ...settings, sasl: { ...settings.sasl, password: "not-the-password" } };
    await assert.rejects(
      produceEvents({ ...wrong, topic: uniqueTopic("produce-auth"), seed: 1, count: 10 }),
      /SASL PLAIN authentication failed/,
    );
  },
});
