/**
 * Turns the ways a configured Kafka cluster refuses this process into one clear error with an
 * exit code, before anything retries: SASL credentials refused, a TLS certificate not trusted,
 * and brokers the cluster advertises that this run's network permissions do not include.
 */
import type { Config } from "../config/config.ts";
import { EXIT_KAFKA_LOGIN_REFUSED, EXIT_PERMISSIONS } from "./exit_codes.ts";

/** Kafka refused this process; `exitCode` says how, `message` what to change. */
export class KafkaAccessError extends Error {
  override readonly name = "KafkaAccessError";
  constructor(
    message: string,
    readonly event: "KafkaLoginRefused" | "KafkaCertificateRefused" | "KafkaHostNotPermitted",
    readonly exitCode: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

const CERTIFICATE = /certificate|self[- ]signed|UnknownIssuer|unable to verify/i;
const NET_DENIED = /Requires net access to "([^"]+)"/;

function chain(error: unknown): unknown[] {
  const out: unknown[] = [];
  for (let e = error; e !== undefined && e !== null && out.length < 8;) {
    out.push(e);
    e = e instanceof Error ? e.cause : undefined;
  }
  return out;
}

/**
 * The access error `error` (from kafkajs, while connecting to `config`'s brokers) stands for,
 * or undefined when it is some other failure.
 */
export function kafkaAccessError(
  error: unknown,
  kafka: Config["kafka"],
): KafkaAccessError | undefined {
  const errors = chain(error).filter((e): e is Error => e instanceof Error);
  const brokers = kafka.brokers.join(",");
  const sasl = errors.find((e) => e.name === "KafkaJSSASLAuthenticationError");
  if (sasl !== undefined && kafka.sasl !== undefined) {
    return new KafkaAccessError(
      `Kafka refused the login of user "${kafka.sasl.username}" ` +
        `(${kafka.sasl.mechanism.toUpperCase()}) on ${brokers}: ${sasl.message}; ` +
        "check KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD (or KAFKA_SASL_PASSWORD_FILE) " +
        "and KAFKA_SASL_MECHANISM",
      "KafkaLoginRefused",
      EXIT_KAFKA_LOGIN_REFUSED,
      { cause: error },
    );
  }
  const tls = errors.find((e) => kafka.ssl && CERTIFICATE.test(e.message));
  if (tls !== undefined) {
    return new KafkaAccessError(
      `Kafka's TLS certificate on ${brokers} is not trusted: ${tls.message}; ` +
        (kafka.sslCaFile === undefined
          ? "set KAFKA_SSL_CA_FILE to the PEM file of the CA that signed it"
          : `check that KAFKA_SSL_CA_FILE (${kafka.sslCaFile}) holds the CA that signed it`),
      "KafkaCertificateRefused",
      EXIT_KAFKA_LOGIN_REFUSED,
      { cause: error },
    );
  }
  const denied = errors.map((e) => NET_DENIED.exec(e.message)?.[1]).find((h) => h !== undefined);
  if (denied !== undefined) return hostNotPermitted([denied], { cause: error });
  return undefined;
}

/** The error for broker addresses outside this run's network permissions. */
export function hostNotPermitted(hosts: string[], options?: ErrorOptions): KafkaAccessError {
  return new KafkaAccessError(
    `Kafka broker ${hosts.join(", ")} is outside this run's network permissions ` +
      "(a cluster advertises every broker, not only the bootstrap ones): add " +
      `KAFKA_EXTRA_HOSTS=${hosts.join(",")} and start again`,
    "KafkaHostNotPermitted",
    EXIT_PERMISSIONS,
    options,
  );
}

/** Throws KafkaHostNotPermitted when an advertised broker is outside the net permissions. */
export async function assertBrokersPermitted(advertised: readonly string[]): Promise<void> {
  const missing: string[] = [];
  for (const host of advertised) {
    const status = await Deno.permissions.query({ name: "net", host });
    if (status.state !== "granted") missing.push(host);
  }
  if (missing.length > 0) throw hostNotPermitted(missing);
}
