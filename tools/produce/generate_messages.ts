/**
 * The pure event generator: message i of a seed is a function of (seed, i) alone, so runs are
 * byte-identical for a seed and a range can start anywhere. Yields Kafka-ready key and value
 * bytes, with hostile messages mixed in at `badFraction`, each labelled with its kind.
 */
import { eventJson } from "./cart.ts";
import { type Collection, collectionPicker, type CollectionWeights } from "./collections.ts";
import { type Device, deviceAt } from "./devices.ts";
import { buildEvent, type ClickEvent } from "./event_builder.ts";
import { HOSTILE_KINDS, type HostileKind, hostileValue } from "./hostile.ts";
import { hash32, Rng } from "./prng.ts";
import { type Session, sessionAt, sessionIdOf } from "./sessions.ts";

/** What to generate. */
export interface GenerateOptions {
  /** Any non-negative safe integer; the same seed always gives the same messages. */
  readonly seed: number;
  readonly count: number;
  /** Share of hostile messages, 0 to 1 (default 0). */
  readonly badFraction?: number;
  /** Index of the first message (default 0): message i is the same in every range. */
  readonly startIndex?: number;
  /** Weights replacing the real share of some event types (e.g. more checkout_success). */
  readonly collectionWeights?: CollectionWeights;
  /** Events per second of event time (default 7, the real average). */
  readonly eventsPerSecond?: number;
}

/** The options that shape clean events (everything but the range and hostility). */
export type EventOptions = Pick<GenerateOptions, "seed" | "collectionWeights" | "eventsPerSecond">;

/** One generated Kafka message. */
export interface GeneratedMessage {
  readonly index: number;
  /** The partition key: the device id, shared by all events of a device. */
  readonly key: string;
  readonly value: Uint8Array;
  /** The hostile kind, or null for a clean event. */
  readonly hostile: HostileKind | null;
  readonly deviceId: string;
  readonly collection: Collection;
}

/** The clean event of message `index` before any hostile rewrite. */
export interface GeneratedEvent {
  readonly event: ClickEvent;
  readonly deviceId: string;
  readonly collection: Collection;
}

/** 2020-04-01T00:00:00Z, the start of the real data. */
const APRIL_2020 = 1_585_699_200;
const encoder = new TextEncoder();

function check(options: GenerateOptions): void {
  const { seed, count, badFraction = 0, startIndex = 0, eventsPerSecond = 7 } = options;
  const whole = (n: number) => Number.isSafeInteger(n) && n >= 0;
  if (!whole(seed)) throw new RangeError(`seed must be a non-negative integer, got ${seed}`);
  if (!whole(count)) throw new RangeError(`count must be a non-negative integer, got ${count}`);
  if (!whole(startIndex)) {
    throw new RangeError(`startIndex must be a non-negative integer, got ${startIndex}`);
  }
  if (!(badFraction >= 0 && badFraction <= 1)) {
    throw new RangeError(`badFraction must be from 0 to 1, got ${badFraction}`);
  }
  if (!(eventsPerSecond > 0)) {
    throw new RangeError(`eventsPerSecond must be positive, got ${eventsPerSecond}`);
  }
}

/** Builds the generator state once; `eventAt` then makes any message's clean event. */
function eventMaker(options: EventOptions): (index: number) => GeneratedEvent {
  const { seed, eventsPerSecond = 7 } = options;
  const picker = collectionPicker(options.collectionWeights);
  const start = APRIL_2020 + (hash32(seed, 0x7) % 60) * 86_400;
  // Sessions interleave within blocks of 64 messages: a small cache saves rebuilding them.
  const recent = new Map<number, { session: Session; device: Device }>();
  return (index) => {
    const rng = new Rng(seed, 0xe7, index);
    const id = sessionIdOf(seed, index);
    let cached = recent.get(id);
    if (cached === undefined) {
      if (recent.size >= 64) recent.clear();
      const session = sessionAt(seed, id);
      cached = { session, device: deviceAt(seed, session.deviceNumber) };
      recent.set(id, cached);
    }
    const { session, device } = cached;
    const collection = picker.pick(rng);
    const timeStamp = start + Math.floor(index / eventsPerSecond);
    const event = buildEvent({ seed, rng, device, session, collection, timeStamp });
    return { event, deviceId: device.id, collection };
  };
}

/** The clean event of message `index` of a seed (what a non-hostile message carries). */
export function generateEvent(
  options: EventOptions,
  index: number,
): GeneratedEvent {
  check({ ...options, count: 0, startIndex: index });
  return eventMaker(options)(index);
}

/**
 * Yields `count` messages starting at `startIndex`.
 *
 * @example
 * ```ts
 * for (const m of generateMessages({ seed: 7, count: 1000, badFraction: 0.05 })) {
 *   if (m.hostile === "not_json") console.log(m.index);
 * }
 * ```
 */
export function* generateMessages(options: GenerateOptions): Generator<GeneratedMessage> {
  check(options);
  const { seed, count, badFraction = 0, startIndex = 0 } = options;
  const eventAt = eventMaker(options);
  for (let index = startIndex; index < startIndex + count; index++) {
    const { event, deviceId, collection } = eventAt(index);
    // Hostility has its own stream: the clean events do not depend on badFraction.
    const rng = new Rng(seed, 0xba, index);
    const hostile = rng.next() < badFraction ? rng.pick(HOSTILE_KINDS) : null;
    const value = hostile === null
      ? encoder.encode(eventJson(event))
      : hostileValue(hostile, event, rng);
    yield { index, key: deviceId, value, hostile, deviceId, collection };
  }
}
