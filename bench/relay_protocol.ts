/** Protocol of the benchmark's relay actor: passes what it gets to its host, unchanged. */
import { type Guard, message } from "../actors/runtime/protocol.ts";
import { isRecord } from "../actors/runtime/guards.ts";

const isOne: Guard<{ n: number }> = (v): v is { n: number } =>
  isRecord(v) && typeof v.n === "number";
const isBatch: Guard<{ items: number[] }> = (v): v is { items: number[] } =>
  isRecord(v) && Array.isArray(v.items);
const isBuffer: Guard<{ bytes: Uint8Array }> = (v): v is { bytes: Uint8Array } =>
  isRecord(v) && v.bytes instanceof Uint8Array;

/** Relay messages: one number, a batch of numbers, a byte buffer. */
export const RELAY_PROTOCOL = {
  name: "bench.relay",
  accepts: {
    "relay.one": message(isOne),
    "relay.batch": message(isBatch),
    "relay.buffer": message(isBuffer),
  },
  emits: {
    "relay.one": message(isOne),
    "relay.batch": message(isBatch),
    "relay.buffer": message(isBuffer),
  },
} as const;

/** Checks the (empty) init arguments. */
export const isNothing: Guard<undefined> = (v): v is undefined => v === undefined;
