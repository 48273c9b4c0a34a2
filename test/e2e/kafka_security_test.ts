/**
 * SASL and TLS end to end, one test per listener of the test broker: the pipeline started with
 * the matching configuration stages what was produced through the same listener with the same
 * configuration. A wrong password ends the start with one clear error line and its exit code.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { produceEvents } from "../../tools/produce/mod.ts";
import { type TestKafka, testKafka, uniqueTopic } from "../kafka_fixture.ts";
import { runPipelineToExit, startPipeline } from "../pipeline_process.ts";
import { queryWarehouse } from "../warehouse_probe.ts";
import { caughtUp, pipelineEnv } from "./ingestion_fixture.ts";
import { EXIT_KAFKA_LOGIN_REFUSED } from "../../commands/exit_codes.ts";

const kafka = await testKafka();

/** The settings of one listener, as the environment names them. */
type Listener = (k: TestKafka) => { brokers: string; env: Record<string, string> };

const LISTENERS: Record<string, Listener> = {
  "SASL PLAIN": (k) => ({
    brokers: k.sasl,
    env: { KAFKA_SASL_MECHANISM: "plain", KAFKA_SASL_USERNAME: k.username },
  }),
  "SASL SCRAM-SHA-512": (k) => ({
    brokers: k.scram,
    env: { KAFKA_SASL_MECHANISM: "scram-sha-512", KAFKA_SASL_USERNAME: k.username },
  }),
  "TLS with SCRAM-SHA-512": (k) => ({
    brokers: k.tls,
    env: {
      KAFKA_SASL_MECHANISM: "scram-sha-512",
      KAFKA_SASL_USERNAME: k.username,
      KAFKA_SSL: "true",
      KAFKA_SSL_CA_FILE: k.caFile,
    },
  }),
};

async function topicOnBroker(prefix: string): Promise<string> {
  const topic = uniqueTopic(prefix);
  const admin = new Kafka({ brokers: [kafka.plain], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 3 }], waitForLeaders: true });
  await admin.disconnect();
  return topic;
}

for (const [name, listener] of Object.entries(LISTENERS)) {
  Deno.test({
    name: `over ${name} the pipeline stages what was produced with the same configuration`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const { brokers, env } = listener(kafka);
      const topic = await topicOnBroker("e2e-security");
      const dataDir = await Deno.makeTempDir({ prefix: "e2e-security-" });
      const password = kafka.password;
      await produceEvents({
        brokers: [brokers],
        sasl: {
          mechanism: env.KAFKA_SASL_MECHANISM === "plain" ? "plain" : "scram-sha-512",
          username: kafka.username,
          password,
        },
        ssl: env.KAFKA_SSL === "true",
        sslCaFile: env.KAFKA_SSL_CA_FILE,
        topic,
        count: 500,
        badFraction: 0,
        seed: 3,
      });
      const t = { brokers, topic, group: `${topic}-group` };
      const pipeline = await startPipeline({
        dataDir,
        env: pipelineEnv(t, { ...env, KAFKA_SASL_PASSWORD: password }),
      });
      await caughtUp({ ...t, brokers: kafka.plain });
      await pipeline.stopExpecting("SIGTERM", 0);
      const [[staged]] = await queryWarehouse(
        `${dataDir}/warehouse.duckdb`,
        "SELECT count(*) FROM staging_g1",
      ) as [[unknown]];
      assert.equal(Number(staged), 500);
      await Deno.remove(dataDir, { recursive: true });
    },
  });
}

for (const name of Object.keys(LISTENERS)) {
  Deno.test({
    name:
      `a wrong password over ${name} ends the start with one clear error line and exit code ${EXIT_KAFKA_LOGIN_REFUSED}`,
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      const { brokers, env } = (LISTENERS[name] as Listener)(kafka);
      const topic = await topicOnBroker("e2e-badpass");
      const dataDir = await Deno.makeTempDir({ prefix: "e2e-badpass-" });
      const ended = await runPipelineToExit({
        dataDir,
        env: pipelineEnv({ brokers, topic, group: `${topic}-group` }, {
          ...env,
          KAFKA_SASL_PASSWORD: "not-the-password",
        }),
      });
      const errors = ended.output.split("\n").filter((line) => /"level":"error"/.test(line));
      assert.equal(ended.code, EXIT_KAFKA_LOGIN_REFUSED, ended.output);
      assert.equal(errors.length, 1, `error lines:\n${errors.join("\n")}`);
      assert.match(errors[0] ?? "", /KafkaLoginRefused/);
      assert.match(errors[0] ?? "", /KAFKA_SASL_USERNAME.*KAFKA_SASL_PASSWORD/);
      assert.doesNotMatch(ended.output, /not-the-password/);
      await Deno.remove(dataDir, { recursive: true });
    },
  });
}

Deno.test({
  name: "an untrusted TLS certificate ends the start with one error line naming KAFKA_SSL_CA_FILE",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const { brokers, env } = (LISTENERS["TLS with SCRAM-SHA-512"] as Listener)(kafka);
    const { KAFKA_SSL_CA_FILE: _, ...withoutCa } = env;
    const topic = await topicOnBroker("e2e-untrusted");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-untrusted-" });
    const ended = await runPipelineToExit({
      dataDir,
      env: pipelineEnv({ brokers, topic, group: `${topic}-group` }, {
        ...withoutCa,
        KAFKA_SASL_PASSWORD: kafka.password,
      }),
    });
    const errors = ended.output.split("\n").filter((line) => /"level":"error"/.test(line));
    assert.equal(ended.code, EXIT_KAFKA_LOGIN_REFUSED, ended.output);
    assert.equal(errors.length, 1, `error lines:\n${errors.join("\n")}`);
    assert.match(errors[0] ?? "", /KafkaCertificateRefused.*set KAFKA_SSL_CA_FILE/);
    await Deno.remove(dataDir, { recursive: true });
  },
});
