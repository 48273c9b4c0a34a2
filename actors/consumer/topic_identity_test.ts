import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";
import { fetchTopicId, TopicIdentity } from "./topic_identity.ts";

Deno.test({
  name: "the brokers give each topic its own id, and a recreated topic a new one",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const broker = await testKafka();
    const settings = { brokers: [broker.plain], sasl: undefined, ssl: false };
    const admin = new Kafka({ brokers: [broker.plain], logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    const topic = uniqueTopic("identity");
    try {
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      const id = await fetchTopicId(settings, "test", topic);
      assert.match(id ?? "", /^[0-9a-f-]{36}$/);
      assert.equal(await fetchTopicId(settings, "test", topic), id);
      await admin.deleteTopics({ topics: [topic] });
      await admin.createTopics({ topics: [{ topic }], waitForLeaders: true });
      let again = await fetchTopicId(settings, "test", topic);
      for (let i = 0; i < 50 && again === id; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        again = await fetchTopicId(settings, "test", topic);
      }
      assert.notEqual(again, id);
      assert.match(again ?? "", /^[0-9a-f-]{36}$/);
    } finally {
      await admin.disconnect();
    }
  },
});

Deno.test("a failed lookup keeps the id seen before", async () => {
  let calls = 0;
  const identity = new TopicIdentity(() => {
    calls++;
    return calls === 1 ? Promise.resolve("id-1") : Promise.reject(new Error("broker away"));
  }, "t");
  assert.equal(await identity.refresh(), "id-1");
  assert.equal(await identity.refresh(), "id-1");
  assert.equal(identity.current, "id-1");
  assert.equal(identity.known, true);
});
