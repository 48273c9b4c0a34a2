/**
 * Test fixture: one real Kafka broker per test process, started on first use on free loopback
 * ports in a temporary directory, and stopped (with its directory removed) when the process ends.
 * Besides PLAINTEXT and SASL/PLAIN it listens with SCRAM-SHA-512, SCRAM over TLS (a certificate
 * made for the run) and PLAINTEXT on 127.0.0.2. A runner may pass a broker in `TEST_KAFKA_*`.
 */
import { type Broker, startBroker } from "../tools/kafka/kafka_broker.ts";
import { freePorts } from "./free_port.ts";
import { selfSignedCertificate } from "./self_signed_certificate.ts";

/** What a test needs to reach the shared broker. */
export interface TestKafka {
  /** PLAINTEXT bootstrap `host:port`. */
  plain: string;
  /** SASL/PLAIN bootstrap `host:port`. */
  sasl: string;
  /** SASL (SCRAM-SHA-512) bootstrap `host:port`. */
  scram: string;
  /** SASL_SSL (SCRAM-SHA-512 over TLS) bootstrap `host:port`. */
  tls: string;
  /** The CA file a client trusts for `tls` (PEM). */
  caFile: string;
  /** PLAINTEXT bootstrap on 127.0.0.2, whose broker advertises only that address. */
  alias: string;
  /** SASL user and password the broker accepts (PLAIN and SCRAM). */
  username: string;
  password: string;
}

/** Loopback address other than 127.0.0.1 the `alias` listener binds (Linux routes all 127/8). */
export const ALIAS_HOST = "127.0.0.2";

let shared: Promise<TestKafka> | undefined;

async function startOwn(): Promise<TestKafka> {
  const dataDir = await Deno.makeTempDir({ prefix: "test-kafka-" });
  const [plainPort, saslPort, controllerPort, scramPort, tlsPort, aliasPort] = freePorts(6) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const password = crypto.randomUUID();
  const certificate = await selfSignedCertificate(dataDir);
  const broker: Broker = await startBroker({
    dataDir,
    plainPort,
    saslPort,
    controllerPort,
    scramPort,
    tls: { port: tlsPort, keystorePem: certificate.keystorePem },
    alias: { host: ALIAS_HOST, port: aliasPort },
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
  return {
    plain: broker.plainBootstrap,
    sasl: broker.saslBootstrap,
    scram: `127.0.0.1:${scramPort}`,
    tls: `127.0.0.1:${tlsPort}`,
    caFile: certificate.caPem,
    alias: `${ALIAS_HOST}:${aliasPort}`,
    username: "tester",
    password,
  };
}

/** Returns the test run's broker, starting one when the runner did not pass one in. */
export function testKafka(): Promise<TestKafka> {
  const env = (name: string) => Deno.env.get(`TEST_KAFKA_${name}`) ?? "";
  const given: TestKafka = {
    plain: env("PLAIN"),
    sasl: env("SASL"),
    scram: env("SCRAM"),
    tls: env("TLS"),
    caFile: env("CA_FILE"),
    alias: env("ALIAS"),
    username: env("USERNAME"),
    password: env("PASSWORD"),
  };
  if (Object.values(given).every((value) => value !== "")) return Promise.resolve(given);
  shared ??= startOwn();
  return shared;
}

/** A topic name no other test uses. */
export function uniqueTopic(prefix: string): string {
  return `${prefix}-${crypto.randomUUID().slice(0, 8)}`;
}
