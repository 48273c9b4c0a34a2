/**
 * The identity of the consumed topic: Kafka's topic id (a UUID given at creation, KIP-516),
 * asked with a Metadata request new enough to carry it (kafkajs's is not, so this uses
 * @platformatic/kafka's admin client for that one request). A deleted and recreated topic, or the
 * same name on another cluster, has another id, which the writer compares with the id it stored
 * with its watermarks. Brokers older than Kafka 2.8 give no id: the identity is then unknown.
 */
import { Admin, type SASLOptions } from "@platformatic/kafka";
import { getLogger } from "../../observability/log.ts";
import type { KafkaSettings } from "../../messages/consumer.ts";
import { kafkaTls } from "./kafka_client.ts";

const log = getLogger("consumer");
/** What brokers without topic ids answer. */
const NO_ID = /^[0-]*$/;

function sasl(settings: KafkaSettings): SASLOptions | undefined {
  const s = settings.sasl;
  if (s === undefined) return undefined;
  const mechanism = s.mechanism === "plain"
    ? "PLAIN"
    : s.mechanism === "scram-sha-256"
    ? "SCRAM-SHA-256"
    : "SCRAM-SHA-512";
  return { mechanism, username: s.username, password: s.password };
}

/** Asks the brokers for a topic's id; null when they do not know ids. */
export async function fetchTopicId(
  settings: KafkaSettings,
  clientId: string,
  topic: string,
): Promise<string | null> {
  const auth = sasl(settings);
  const tls = kafkaTls(settings);
  const admin = new Admin({
    clientId: `${clientId}-identity`,
    bootstrapBrokers: [...settings.brokers],
    timeout: 10_000,
    retries: 2,
    ...(tls === false ? {} : { tls: tls === true ? {} : tls }),
    ...(auth === undefined ? {} : { sasl: auth }),
  });
  try {
    const metadata = await admin.metadata({ topics: [topic], forceUpdate: true });
    const id = metadata.topics.get(topic)?.id;
    return id === undefined || NO_ID.test(id) ? null : id;
  } finally {
    await admin.close();
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
