/**
 * The one Kafka request kafkajs 2.2.4 cannot make: Metadata v10 (Kafka 2.8+, KIP-516), the first
 * version whose answer carries each topic's id. Encoded and decoded here over the wire format's
 * flexible fields (compact strings and arrays, tagged fields), for one topic, reading the answer
 * only as far as that topic's id; kafkajs's connection sends it (topic_identity.ts). Before
 * this, a second client (@platformatic/kafka) made the request: loading it cost the consumer's
 * Worker ~50 MiB that stayed for the life of the process.
 */

/** Metadata's API key. */
export const METADATA_API_KEY = 3;
/** The version asked: the first with topic ids (v11 and later only drop a field we leave unset). */
export const TOPIC_ID_METADATA_VERSION = 10;

/** The topic's error in a Metadata answer (UNKNOWN_TOPIC_OR_PARTITION and the like). */
export class TopicMetadataError extends Error {
  override readonly name = "TopicMetadataError";
  constructor(readonly topic: string, readonly errorCode: number) {
    super(
      `Kafka answered Metadata for topic ${topic} with error code ${errorCode} ` +
        "(3: it does not exist; 29: not authorized to describe it)",
    );
  }
}

function unsignedVarint(value: number): number[] {
  const bytes: number[] = [];
  let v = value;
  while (v >= 0x80) {
    bytes.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  bytes.push(v);
  return bytes;
}

/**
 * The request's bytes after the client id kafkajs writes: the header's empty tagged fields
 * (request header v2), then the body (one topic by name, no topic creation, no ACL operations).
 */
export function encodeTopicIdRequest(topic: string): Uint8Array {
  const name = new TextEncoder().encode(topic);
  return Uint8Array.from([
    0, // header: no tagged fields
    ...unsignedVarint(2), // topics: a compact array of one
    ...new Array<number>(16).fill(0), // topic_id: none, asked by name
    ...unsignedVarint(name.length + 1),
    ...name,
    0, // topic: no tagged fields
    0, // allow_auto_topic_creation: false
    0, // include_cluster_authorized_operations: false
    0, // include_topic_authorized_operations: false
    0, // request: no tagged fields
  ]);
}

/** Reads a Metadata v10 answer (after its correlation id) as far as the topic's id. */
class Reader {
  #at = 0;
  readonly #view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  #need(n: number): number {
    const at = this.#at;
    if (at + n > this.bytes.length) {
      throw new RangeError(
        `Metadata answer ends at byte ${this.bytes.length}, reading ${n} more at ${at}`,
      );
    }
    this.#at += n;
    return at;
  }

  int16(): number {
    return this.#view.getInt16(this.#need(2));
  }

  int32(): number {
    return this.#view.getInt32(this.#need(4));
  }

  unsignedVarint(): number {
    let value = 0;
    for (let shift = 0; shift < 35; shift += 7) {
      const byte = this.bytes[this.#need(1)] ?? 0;
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
    }
    throw new RangeError(`Metadata answer has a varint longer than 5 bytes at ${this.#at}`);
  }

  skip(n: number): void {
    this.#need(n);
  }

  /** A compact (nullable) string: null for null. */
  compactString(): string | null {
    const n = this.unsignedVarint();
    if (n === 0) return null;
    const at = this.#need(n - 1);
    return new TextDecoder().decode(this.bytes.subarray(at, at + n - 1));
  }

  taggedFields(): void {
    for (let count = this.unsignedVarint(); count > 0; count--) {
      this.unsignedVarint(); // tag
      this.skip(this.unsignedVarint());
    }
  }

  uuid(): string {
    const at = this.#need(16);
    const hex = [...this.bytes.subarray(at, at + 16)].map((b) => b.toString(16).padStart(2, "0"))
      .join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${
      hex.slice(20)
    }`;
  }
}

/**
 * The topic's id in a Metadata v10 answer (the bytes after its correlation id), as the usual
 * 8-4-4-4-12 hex form; throws TopicMetadataError when the broker answered the topic with an error.
 */
export function decodeTopicId(payload: Uint8Array, topic: string): string {
  const r = new Reader(payload);
  r.taggedFields(); // response header v1
  r.int32(); // throttle_time_ms
  for (let brokers = r.unsignedVarint() - 1; brokers > 0; brokers--) {
    r.int32(); // node_id
    r.compactString(); // host
    r.int32(); // port
    r.compactString(); // rack
    r.taggedFields();
  }
  r.compactString(); // cluster_id
  r.int32(); // controller_id
  const topics = r.unsignedVarint() - 1;
  if (topics < 1) throw new RangeError(`Metadata answer for topic ${topic} lists no topic`);
  const errorCode = r.int16();
  const name = r.compactString();
  if (errorCode !== 0) throw new TopicMetadataError(topic, errorCode);
  if (name !== topic) {
    throw new RangeError(`Metadata answer for topic ${topic} names topic ${name} instead`);
  }
  return r.uuid();
}
