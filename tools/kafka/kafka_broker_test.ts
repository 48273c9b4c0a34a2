import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";

const kafka = await testKafka();

function client(password: string) {
  return new Kafka({
    clientId: "broker-test",
    brokers: [kafka.sasl],
    sasl: { mechanism: "plain", username: kafka.username, password },
    logLevel: logLevel.NOTHING,
    retry: { retries: 0 },
  });
}

Deno.test({
  name: "the SASL listener accepts the configured user and round-trips a message",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("broker");
    const admin = client(kafka.password).admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    const producer = client(kafka.password).producer();
    await producer.connect();
    await producer.send({ topic, messages: [{ key: "k", value: "hello" }] });
    await producer.disconnect();
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    const total = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
    assert.equal(total, 1);
  },
});

Deno.test({
  name: "a wrong SASL password fails with an authentication error that says so",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const admin = client("not-the-password").admin();
    await assert.rejects(admin.connect(), (error: Error) => {
      assert.match(error.message, /SASL PLAIN authentication failed/);
      return true;
    });
  },
});

Deno.test({
  name: "the SCRAM-SHA-512 listener accepts the user created when storage was formatted",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const admin = new Kafka({
      clientId: "broker-test",
      brokers: [kafka.scram],
      sasl: { mechanism: "scram-sha-512", username: kafka.username, password: kafka.password },
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    }).admin();
    await admin.connect();
    try {
      assert.equal((await admin.describeCluster()).brokers.length, 1);
    } finally {
      await admin.disconnect();
    }
  },
});

Deno.test({
  name: "the TLS listener serves SCRAM over a certificate the client trusts only with its CA",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const ca = await Deno.readTextFile(kafka.caFile);
    const admin = (trusted: boolean) =>
      new Kafka({
        clientId: "broker-test",
        brokers: [kafka.tls],
        ssl: trusted ? { ca: [ca] } : true,
        sasl: { mechanism: "scram-sha-512", username: kafka.username, password: kafka.password },
        logLevel: logLevel.NOTHING,
        retry: { retries: 0 },
      }).admin();
    const good = admin(true);
    await good.connect();
    try {
      const cluster = await good.describeCluster();
      assert.deepEqual(cluster.brokers.map((b) => `${b.host}:${b.port}`), [kafka.tls]);
    } finally {
      await good.disconnect();
    }
    await assert.rejects(admin(false).connect(), /certificate|self[- ]signed|UnknownIssuer/i);
  },
});

Deno.test({
  name: "the listener on another loopback address advertises only that address",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const admin = new Kafka({ brokers: [kafka.alias], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      const cluster = await admin.describeCluster();
      assert.deepEqual(cluster.brokers.map((b) => `${b.host}:${b.port}`), [kafka.alias]);
    } finally {
      await admin.disconnect();
    }
  },
});
