/**
 * The identity of the consumed topic: Kafka's topic id (a UUID given at creation, KIP-516),
 * asked with a Metadata request new enough to carry it (v10, topic_id_metadata.ts), sent over a
 * kafkajs connection (its TLS, SASL and version negotiation). A deleted and recreated topic, or
 * the same name on another cluster, has another id, which the writer compares with the id it
 * stored with its watermarks. Brokers older than Kafka 2.8 give no id: the identity is then
 * unknown.
 */
import { Buffer } from "node:buffer";
import { getLogger } from "../../observability/log.ts";
import type { KafkaSettings } from "../../messages/consumer.ts";
import { kafkaClient } from "./kafka_client.ts";
import {
  decodeTopicId,
  encodeTopicIdRequest,
  METADATA_API_KEY,
  TOPIC_ID_METADATA_VERSION,
} from "./topic_id_metadata.ts";

const log = getLogger("consumer");
/** What brokers without topic ids answer. */
const NO_ID = /^[0-]*$/;

/** The parts of kafkajs 2.2.4's (private) cluster this uses; checked at run time. */
interface SeedBroker {
  readonly versions: Record<number, { readonly maxVersion: number } | undefined>;
  readonly connectionPool: { send(request: unknown): Promise<unknown> };
}
interface Cluster {
  connect(): Promise<void>;
  disconnect(): Promise<void>;
  readonly brokerPool: { readonly seedBroker?: SeedBroker };
}

const isObject = (v: unknown): v is Record<PropertyKey, unknown> =>
  typeof v === "object" && v !== null;
const hasMethods = (v: unknown, ...names: string[]): boolean =>
  isObject(v) && names.every((name) => typeof v[name] === "function");
const isCluster = (v: unknown): v is Cluster =>
  hasMethods(v, "connect", "disconnect") && isObject(v) && isObject(v.brokerPool);
const isSeedBroker = (v: unknown): v is SeedBroker =>
  isObject(v) && isObject(v.versions) && hasMethods(v.connectionPool, "send");

/** A kafkajs cluster of its own (kafkajs keeps its factory under a private symbol). */
function kafkajsCluster(settings: KafkaSettings, clientId: string): Cluster {
  const kafka = kafkaClient(settings, clientId);
  const symbol = Object.getOwnPropertySymbols(kafka)
    .find((s) => s.description === "private:Kafka:createCluster");
  const create: unknown = symbol === undefined ? undefined : Reflect.get(kafka, symbol);
  const cluster: unknown = typeof create === "function"
    ? create({ allowAutoTopicCreation: false })
    : undefined;
  if (!isCluster(cluster)) {
    throw new Error(
      "kafkajs has no private:Kafka:createCluster making a cluster with a broker pool: the " +
        "topic-id lookup was written against kafkajs 2.2.4 (see kafkajs_request_queue.ts)",
    );
  }
  return cluster;
}

/** Asks the brokers for a topic's id; null when they do not know ids. */
export async function fetchTopicId(
  settings: KafkaSettings,
  clientId: string,
  topic: string,
): Promise<string | null> {
  const cluster = kafkajsCluster(settings, `${clientId}-identity`);
  try {
    await cluster.connect();
    const broker = cluster.brokerPool.seedBroker;
    if (!isSeedBroker(broker)) {
      throw new Error("kafkajs connected no seed broker with versions and a connection pool");
    }
    const metadata = broker.versions[METADATA_API_KEY];
    if (metadata === undefined || metadata.maxVersion < TOPIC_ID_METADATA_VERSION) return null;
    const body = Buffer.from(encodeTopicIdRequest(topic));
    const payload = await broker.connectionPool.send({
      request: {
        apiKey: METADATA_API_KEY,
        apiVersion: TOPIC_ID_METADATA_VERSION,
        apiName: "Metadata",
        // kafkajs writes the header up to the client id, then an Encoder's bytes.
        encode: () => Promise.resolve({ buf: body, buffer: body }),
      },
      response: {
        decode: (bytes: unknown) => Promise.resolve(bytes),
        parse: (bytes: unknown) => Promise.resolve(bytes),
      },
    });
    if (!(payload instanceof Uint8Array)) {
      throw new Error(`kafkajs handed the Metadata answer as ${typeof payload}, not bytes`);
    }
    const id = decodeTopicId(payload, topic);
    return NO_ID.test(id) ? null : id;
  } finally {
    await cluster.disconnect();
  }
}

/** The topic's id as last seen, refreshed on demand; lookup failures keep the previous answer. */
export class TopicIdentity {
  #id: string | null = null;
  #known = false;
  #refreshing: Promise<string | null> | undefined;

  constructor(
    private readonly lookup: () => Promise<string | null>,
    private readonly topic: string,
  ) {}

  /** The id last seen (null: unknown). */
  get current(): string | null {
    return this.#id;
  }

  /** Whether an answer ever came. */
  get known(): boolean {
    return this.#known;
  }

  /** Asks again (one lookup at a time); logs when the id changes. */
  refresh(): Promise<string | null> {
    this.#refreshing ??= this.lookup().then(
      (id) => {
        if (this.#known && id !== this.#id) {
          log.warn("ConsumerTopicIdChanged", { topic: this.topic, from: this.#id, to: id });
        }
        this.#id = id;
        this.#known = true;
        return id;
      },
      (error: unknown) => {
        log.warn("ConsumerTopicIdUnknown", {
          topic: this.topic,
          error,
          hint: "the writer checks log ends and offsets, but cannot tell a recreated topic by id",
        });
        return this.#id;
      },
    ).finally(() => (this.#refreshing = undefined));
    return this.#refreshing;
  }
}
