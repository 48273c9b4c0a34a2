import assert from "node:assert/strict";
import { kafkaClient } from "../../actors/consumer/kafka_client.ts";
import { testKafka, uniqueTopic } from "../../test/kafka_fixture.ts";

const broker = await testKafka();
const root = new URL("../../", import.meta.url).pathname;

/** Runs `main.ts produce <args>` as `deno task produce` does, against the SASL listener. */
async function produce(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const command = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-env",
      "--allow-read",
      "--allow-net",
      "main.ts",
      "produce",
      "--",
      ...args,
    ],
    cwd: root,
    clearEnv: true,
    env: {
      PATH: Deno.env.get("PATH") ?? "",
      HOME: Deno.env.get("HOME") ?? "",
      KAFKA_BROKERS: broker.sasl,
      KAFKA_SASL_MECHANISM: "plain",
      KAFKA_SASL_USERNAME: broker.username,
      KAFKA_SASL_PASSWORD: broker.password,
      KAFKAJS_NO_PARTITIONER_WARNING: "1",
    },
    stdout: "piped",
    stderr: "piped",
  });
  const { code, stdout, stderr } = await command.output();
  const text = new TextDecoder();
  return { code, stdout: text.decode(stdout), stderr: text.decode(stderr) };
}

Deno.test({
  name: "deno task produce writes the requested events and prints a one-line summary",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const topic = uniqueTopic("produce-cli");
    const kafka = kafkaClient({
      brokers: [broker.sasl],
      sasl: { mechanism: "plain", username: broker.username, password: broker.password },
      ssl: false,
    }, "produce-cli-test");
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
    const run = await produce([
      "--count",
      "500",
      "--topic",
      topic,
      "--bad-fraction=0.1",
      "--seed",
      "4",
    ]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(
      run.stdout,
      new RegExp(
        `^produce summary: sent=500 hostile=\\d+ seconds=[\\d.]+ rate=\\d+/s topic=${topic} \\(`,
      ),
    );
    const offsets = await admin.fetchTopicOffsets(topic);
    await admin.disconnect();
    assert.equal(offsets.reduce((sum, p) => sum + Number(p.high), 0), 500);
  },
});

Deno.test({
  name: "a malformed --count exits with code 2 and a message naming the flag and its form",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const run = await produce(["--count", "abc"]);
    assert.equal(run.code, 2);
    assert.match(run.stderr, /--count must be a positive integer, e\.g\. --count 10000, got "abc"/);
    assert.match(run.stderr, /usage: deno task produce/);
    assert.equal(run.stdout, "");
  },
});
