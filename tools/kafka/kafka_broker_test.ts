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
