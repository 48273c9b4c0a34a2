/**
 * The dev broker's `server.properties`, as a pure function of its options: a KRaft
 * broker+controller with PLAINTEXT and SASL_PLAINTEXT (PLAIN) listeners on 127.0.0.1, and the
 * optional ones the tests ask for: SASL_PLAINTEXT with SCRAM-SHA-512, SASL_SSL (SCRAM-SHA-512
 * over TLS, with a PEM certificate the caller made), and PLAINTEXT on another loopback address.
 */

/** A TLS listener: its port and the PEM file holding its private key and certificate chain. */
export interface TlsListener {
  readonly port: number;
  /** Unencrypted PKCS#8 private key followed by the certificate chain, PEM. */
  readonly keystorePem: string;
}

/** A PLAINTEXT listener on another loopback address (127.0.0.2...), advertised as itself. */
export interface AliasListener {
  readonly host: string;
  readonly port: number;
}

/** What the properties depend on. */
export interface BrokerListeners {
  readonly dataDir: string;
  readonly plainPort: number;
  readonly saslPort: number;
  readonly controllerPort: number;
  /** The SASL/PLAIN user and password. */
  readonly saslUsername: string;
  readonly saslPassword: string;
  /** SASL_PLAINTEXT with SCRAM-SHA-512 (its users are created when storage is formatted). */
  readonly scramPort?: number | undefined;
  /** SASL_SSL with SCRAM-SHA-512. */
  readonly tls?: TlsListener | undefined;
  readonly alias?: AliasListener | undefined;
  readonly defaultPartitions: number;
}

const SCRAM_LOGIN = "org.apache.kafka.common.security.scram.ScramLoginModule required;";

function jaasQuote(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
}

/** The listeners as `NAME://host:port` with their security protocol, controller excluded. */
function advertised(o: BrokerListeners): Array<[name: string, url: string, protocol: string]> {
  return [
    ["PLAINTEXT", `127.0.0.1:${o.plainPort}`, "PLAINTEXT"],
    ["SASL_PLAINTEXT", `127.0.0.1:${o.saslPort}`, "SASL_PLAINTEXT"],
    ...(o.scramPort === undefined
      ? []
      : [["SCRAM", `127.0.0.1:${o.scramPort}`, "SASL_PLAINTEXT"] as [string, string, string]]),
    ...(o.tls === undefined
      ? []
      : [["TLS", `127.0.0.1:${o.tls.port}`, "SASL_SSL"] as [string, string, string]]),
    ...(o.alias === undefined
      ? []
      : [["ALIAS", `${o.alias.host}:${o.alias.port}`, "PLAINTEXT"] as [string, string, string]]),
  ];
}

/** The broker's configuration file. */
export function serverProperties(o: BrokerListeners): string {
  const listeners = advertised(o);
  const urls = listeners.map(([name, url]) => `${name}://${url}`);
  const protocols = listeners.map(([name, , protocol]) => `${name}:${protocol}`);
  const scram = (name: string) => [
    `listener.name.${name}.sasl.enabled.mechanisms=SCRAM-SHA-512`,
    `listener.name.${name}.scram-sha-512.sasl.jaas.config=${SCRAM_LOGIN}`,
  ];
  return [
    "process.roles=broker,controller",
    "node.id=1",
    `controller.quorum.voters=1@127.0.0.1:${o.controllerPort}`,
    `listeners=${[...urls, `CONTROLLER://127.0.0.1:${o.controllerPort}`].join(",")}`,
    `advertised.listeners=${urls.join(",")}`,
    `listener.security.protocol.map=${[...protocols, "CONTROLLER:PLAINTEXT"].join(",")}`,
    "controller.listener.names=CONTROLLER",
    "inter.broker.listener.name=PLAINTEXT",
    "sasl.enabled.mechanisms=PLAIN",
    "listener.name.sasl_plaintext.sasl.enabled.mechanisms=PLAIN",
    "listener.name.sasl_plaintext.plain.sasl.jaas.config=" +
    "org.apache.kafka.common.security.plain.PlainLoginModule required " +
    `user_${o.saslUsername}="${jaasQuote(o.saslPassword)}";`,
    ...(o.scramPort === undefined ? [] : scram("scram")),
    ...(o.tls === undefined ? [] : [
      ...scram("tls"),
      "listener.name.tls.ssl.keystore.type=PEM",
      `listener.name.tls.ssl.keystore.location=${o.tls.keystorePem}`,
    ]),
    `log.dirs=${o.dataDir}/kraft`,
    `num.partitions=${o.defaultPartitions}`,
    "offsets.topic.replication.factor=1",
    "offsets.topic.num.partitions=6",
    "transaction.state.log.replication.factor=1",
    "transaction.state.log.min.isr=1",
    "group.initial.rebalance.delay.ms=0",
    "auto.create.topics.enable=true",
    "",
  ].join("\n");
}

/**
 * The `kafka-storage format` arguments that create SCRAM-SHA-512 credentials for the SASL/PLAIN
 * user and password when a SCRAM or TLS listener exists (KRaft stores them from the first start).
 */
export function scramFormatArgs(o: BrokerListeners): string[] {
  if (o.scramPort === undefined && o.tls === undefined) return [];
  const password = o.saslPassword.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
  return ["--add-scram", `SCRAM-SHA-512=[name=${o.saslUsername},password="${password}"]`];
}
