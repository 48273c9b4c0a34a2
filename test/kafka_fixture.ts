/**
 * Test fixture: one real Kafka broker per test process, started on first use on free loopback
 * ports in a temporary directory, and stopped (with its directory removed) when the process ends.
 * `deno task test` starts it once for the whole run and passes it in `TEST_KAFKA_*`.
 */
import { type Broker, startBroker } from "../tools/kafka/kafka_broker.ts";
import { freePorts } from "./free_port.ts";

/** What a test needs to reach the shared broker. */
export interface TestKafka {
  /** PLAINTEXT bootstrap `host:port`. */
  plain: string;
  /** SASL/PLAIN bootstrap `host:port`. */
  sasl: string;
  /** SASL user and password the broker accepts. */
  username: string;
  password: string;
}

let shared: Promise<TestKafka> | undefined;

async function startOwn(): Promise<TestKafka> {
  const dataDir = await Deno.makeTempDir({ prefix: "test-kafka-" });
  const [plainPort, saslPort, controllerPort] = freePorts(3) as [number, number, number];
  const password = crypto.randomUUID();
  const broker: Broker = await startBroker({
    dataDir,
    plainPort,
    saslPort,
    controllerPort,
    saslUsername: "tester",
    saslPassword: password,
    defaultPartitions: 3,
    heapMiB: 512,
    startTimeoutMs: 90_000,
  });
  globalThis.addEventListener("unload", () => {
    // unload handlers must be synchronous: kill hard, then remove the scratch directory.
    Deno.kill(broker.pid, "SIGKILL");
    Deno.removeSync(dataDir, { recursive: true });
  });
  return { plain: broker.plainBootstrap, sasl: broker.saslBootstrap, username: "tester", password };
}

/** Returns the test run's broker, starting one when the runner did not pass one in. */
export function testKafka(): Promise<TestKafka> {
  const plain = Deno.env.get("TEST_KAFKA_PLAIN");
  const sasl = Deno.env.get("TEST_KAFKA_SASL");
  const username = Deno.env.get("TEST_KAFKA_USERNAME");
  const password = Deno.env.get("TEST_KAFKA_PASSWORD");
  if (plain && sasl && username && password) {
    return Promise.resolve({ plain, sasl, username, password });
  }
  shared ??= startOwn();
  return shared;
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
