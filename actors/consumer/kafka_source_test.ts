import assert from "node:assert/strict";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";
import { kafkaClient } from "./kafka_client.ts";
import { KafkaSource, type SourceChunk, type SourceOptions } from "./kafka_source.ts";

const broker = await testKafka();
const settings = {
  brokers: [broker.sasl],
  sasl: { mechanism: "plain" as const, username: broker.username, password: broker.password },
  ssl: false,
};
const kafka = kafkaClient(settings, "source-test");

async function fill(topic: string, perPartition: number, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({
    topics: [{ topic, numPartitions: partitions }],
    waitForLeaders: true,
  });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let p = 0; p < partitions; p++) {
    const messages = Array.from({ length: perPartition }, (_, i) => ({
      partition: p,
      value: `p${p}-m${i}`,
    }));
    await producer.send({ topic, messages });
  }
  await producer.disconnect();
}

async function committed(topic: string, group: string): Promise<number[]> {
  const admin = kafka.admin();
  await admin.connect();
  const [result] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
  await admin.disconnect();
  return (result?.partitions ?? []).sort((a, b) => a.partition - b.partition).map((p) =>
    Number(p.offset)
  );
}

/** Runs a member until `expected` messages arrived; acks the chunks `keep` accepts. */
async function consume(
  options: SourceOptions,
  expected: number,
  keep: (chunk: SourceChunk) => boolean,
): Promise<SourceChunk[]> {
  const chunks: SourceChunk[] = [];
  let received = 0;
  const done = Promise.withResolvers<void>();
  const source = new KafkaSource(kafka, options, {
    send(chunk) {
      chunks.push(chunk);
      if (keep(chunk)) source.ack([chunk.chunkId]);
      received += chunk.records.length;
      if (received >= expected) done.resolve();
      return Promise.resolve();
    },
  });
  await source.start();
  await done.promise;
  await source.stop(() => Promise.resolve(), 1000);
  return chunks;
}

Deno.test({
  name:
    "commits only acknowledged chunks, and a new member resumes at the first unacknowledged one",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source");
    const options: SourceOptions = {
      topic,
      group: `g-${topic}`,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 5,
      heartbeatMs: 1000,
    };
    await fill(topic, 100, 3);
    // Partition 0: everything from offset 40 on stays unacknowledged ("not yet durable").
    const first = await consume(
      options,
      300,
      (c) => c.partition !== 0 || c.records[0]!.offset < 40,
    );
    assert.equal(first.reduce((n, c) => n + c.records.length, 0), 300);
    assert.deepEqual(await committed(topic, options.group), [40, 100, 100]);

    const second = await consume(options, 60, () => true);
    const replayed = second.flatMap((c) => c.records.map((r) => `${c.partition}:${r.offset}`));
    assert.deepEqual(replayed, Array.from({ length: 60 }, (_, i) => `0:${40 + i}`));
    assert.deepEqual(await committed(topic, options.group), [100, 100, 100]);
  },
});

Deno.test({
  name: "chunks of a partition carry consecutive sequence numbers and contiguous offsets",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source-seq");
    await fill(topic, 55, 1);
    const chunks = await consume(
      {
        topic,
        group: `g-${topic}`,
        startOffset: "earliest",
        chunkSize: 10,
        commitIntervalMs: 5,
        heartbeatMs: 1000,
      },
      55,
      () => true,
    );
    assert.deepEqual(chunks.map((c) => c.seq), chunks.map((_, i) => i));
    const offsets = chunks.flatMap((c) => c.records.map((r) => r.offset));
    assert.deepEqual(offsets, Array.from({ length: 55 }, (_, i) => i));
    assert.equal(new TextDecoder().decode(chunks[0]?.records[0]?.value), "p0-m0");
  },
});

Deno.test({
  name: "a partition whose hand-over waits is paused, then resumed, and nothing is lost",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source-pause");
    await fill(topic, 50, 1);
    const events: string[] = [];
    const unblock = Promise.withResolvers<void>();
    const done = Promise.withResolvers<void>();
    const offsets: number[] = [];
    const source = new KafkaSource(kafka, {
      topic,
      group: `g-${topic}`,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 5,
      heartbeatMs: 1000,
      pauseAfterMs: 20,
      // Downstream frees up exactly when the pause happened.
      onPause: (partition, paused) => {
        events.push(`${partition}:${paused ? "paused" : "resumed"}`);
        if (paused) unblock.resolve();
      },
    }, {
      async send(chunk) {
        if (chunk.seq === 1) await unblock.promise; // downstream full for the second chunk
        offsets.push(...chunk.records.map((r) => r.offset));
        source.ack([chunk.chunkId]);
        if (offsets.length >= 50) done.resolve();
      },
    });
    await source.start();
    await done.promise;
    await source.stop(() => Promise.resolve(), 1000);
    assert.deepEqual(events, ["0:paused", "0:resumed"]);
    assert.equal(source.pauses, 1);
    assert.equal(source.paused.size, 0);
    assert.deepEqual(offsets, Array.from({ length: 50 }, (_, i) => i));
  },
});

Deno.test({
  name: "a failed commit is counted and retried until Kafka has it; the commit point is kept",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source-commit");
    await fill(topic, 30, 1);
    let failures = 3;
    const options: SourceOptions = {
      topic,
      group: `g-${topic}`,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 5,
      heartbeatMs: 1000,
      beforeCommit: () => {
        if (failures-- > 0) throw new Error("injected commit failure");
      },
    };
    const done = Promise.withResolvers<void>();
    let seen = 0;
    const source = new KafkaSource(kafka, options, {
      send(chunk) {
        source.ack([chunk.chunkId]);
        seen += chunk.records.length;
        if (seen >= 30) done.resolve();
        return Promise.resolve();
      },
    });
    await source.start();
    await done.promise;
    while ((await committed(topic, options.group))[0] !== 30) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    assert.ok(source.commitFailures >= 3, `${source.commitFailures} failures counted`);
    await source.stop(() => Promise.resolve(), 1000);
  },
});

Deno.test({
  name:
    "chunks carry their place in the log: committed offset, last handed over, log end, topic id",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source-position");
    const options: SourceOptions = {
      topic,
      group: `g-${topic}`,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 5,
      heartbeatMs: 1000,
      topicId: () => Promise.resolve("topic-id-1"),
    };
    await fill(topic, 100, 1);
    const first = await consume(options, 100, (c) => c.records[0]!.offset < 40);
    assert.deepEqual(first.slice(0, 2).map((c) => [c.position.prevOffset, c.position.fromCommit]), [
      [null, false],
      [9, false],
    ]);
    assert.deepEqual(await committed(topic, options.group), [40]);
    const second = await consume(options, 60, () => true);
    assert.deepEqual(second[0]?.position, {
      topicId: "topic-id-1",
      prevOffset: 39,
      fromCommit: true,
      firstOffset: 40,
      lastOffset: 49,
      logEnd: 100,
    });
    assert.equal(second[1]?.position.prevOffset, 49);
  },
});

Deno.test({
  name: "transaction markers and aborted records are not counted as lag",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("source-marker");
    await fill(topic, 0, 1);
    const producer = kafka.producer({
      transactionalId: `tx-${topic}`,
      idempotent: true,
      maxInFlightRequests: 1,
    });
    await producer.connect();
    const transaction = await producer.transaction();
    await transaction.send({
      topic,
      messages: Array.from({ length: 10 }, (_, i) => ({ value: `m${i}` })),
    });
    await transaction.commit();
    await producer.disconnect();
    const done = Promise.withResolvers<void>();
    const source = new KafkaSource(kafka, {
      topic,
      group: `g-${topic}`,
      startOffset: "earliest",
      chunkSize: 10,
      commitIntervalMs: 5,
      heartbeatMs: 1000,
    }, {
      send(chunk) {
        source.ack([chunk.chunkId]);
        if (chunk.records.at(-1)?.offset === 9) done.resolve();
        return Promise.resolve();
      },
    });
    await source.start();
    try {
      await done.promise;
      // The log ends at 11: ten records, then the marker at offset 10.
      const lag = () => {
        const l = source.lag.get(0);
        return l === undefined ? undefined : l.high - l.seen - 1;
      };
      const deadline = Date.now() + 15_000;
      while (lag() !== 0 && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(source.lag.get(0), { seen: 10, high: 11 });
      // An aborted transaction: its records and its marker never reach the pipeline.
      await producer.connect();
      const aborted = await producer.transaction();
      await aborted.send({ topic, messages: [{ value: "a0" }, { value: "a1" }] });
      await aborted.abort();
      await producer.disconnect();
      while (lag() !== 0 || source.lag.get(0)?.high !== 14) {
        if (Date.now() > deadline + 15_000) break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      assert.deepEqual(source.lag.get(0), { seen: 13, high: 14 });
    } finally {
      await source.stop(() => Promise.resolve(), 1000);
    }
  },
});
