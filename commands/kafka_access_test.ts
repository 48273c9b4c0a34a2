import assert from "node:assert/strict";
import { resolveConfig } from "../config/config.ts";
import { EXIT_KAFKA_LOGIN_REFUSED, EXIT_PERMISSIONS } from "./exit_codes.ts";
import { assertBrokersPermitted, KafkaAccessError, kafkaAccessError } from "./kafka_access.ts";

const kafka = resolveConfig([(key) =>
  ({
    KAFKA_BROKERS: "kafka-1:9093",
    KAFKA_SASL_MECHANISM: "scram-sha-512",
    KAFKA_SASL_USERNAME: "lakehouse",
    KAFKA_SASL_PASSWORD: "s3cret",
    KAFKA_SSL: "true",
  } as Record<string, string>)[key]], () => "").kafka;

/** An error shaped as kafkajs throws it: a name and a cause chain. */
function kafkajsError(name: string, message: string, cause?: Error): Error {
  const error = new Error(message, cause === undefined ? {} : { cause });
  error.name = name;
  return error;
}

Deno.test("a refused SASL login names the user and mechanism, never the password", () => {
  const error = kafkaAccessError(
    kafkajsError("KafkaJSSASLAuthenticationError", "SASL SCRAM SHA512 authentication failed"),
    kafka,
  );
  assert.ok(error instanceof KafkaAccessError);
  assert.equal(error.exitCode, EXIT_KAFKA_LOGIN_REFUSED);
  assert.match(error.message, /login of user "lakehouse" \(SCRAM-SHA-512\) on kafka-1:9093/);
  assert.doesNotMatch(error.message, /s3cret/);
});

Deno.test("a broker Deno refused (advertised, not granted) says to add it to KAFKA_EXTRA_HOSTS", () => {
  const denied = kafkajsError(
    "KafkaJSNumberOfRetriesExceeded",
    "Connection error",
    kafkajsError(
      "KafkaJSConnectionError",
      'Connection error: Requires net access to "kafka-3:9093", run again with the --allow-net flag',
    ),
  );
  const error = kafkaAccessError(denied, kafka);
  assert.equal(error?.exitCode, EXIT_PERMISSIONS);
  assert.match(String(error?.message), /add KAFKA_EXTRA_HOSTS=kafka-3:9093/);
});

Deno.test("other failures are not access errors", () => {
  const refused = kafkajsError("KafkaJSConnectionError", "Connection error: connect ECONNREFUSED");
  assert.equal(kafkaAccessError(refused, kafka), undefined);
});

Deno.test("advertised brokers outside the net permissions are named together", async () => {
  // This test process may reach 127.0.0.1 and localhost only.
  await assertBrokersPermitted(["127.0.0.1:9092", "localhost:9093"]);
  await assert.rejects(
    assertBrokersPermitted(["127.0.0.1:9092", "kafka-2:9093", "kafka-3:9093"]),
    /Kafka broker kafka-2:9093, kafka-3:9093 is outside .* KAFKA_EXTRA_HOSTS=kafka-2:9093,kafka-3:9093/,
  );
});
