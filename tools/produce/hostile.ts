/**
 * Hostile messages for robustness tests. Three kinds cannot be read as an event at all and must
 * become dead letters (not_json, not_object, not_utf8); four are JSON objects with dirty fields
 * that must still be staged with their field problems recorded.
 */
import { eventJson } from "./cart.ts";
import type { ClickEvent } from "./event_builder.ts";
import type { Rng } from "./prng.ts";

/** Kinds of messages that are not an event object: they belong in dead letters. */
export const DEAD_LETTER_KINDS = ["not_json", "not_object", "not_utf8"] as const;
/** Kinds of messages that are event objects with dirty fields: they belong in staging. */
export const DIRTY_KINDS = ["wrong_types", "empty_strings", "long_strings", "bad_ip"] as const;
/** Every hostile kind. */
export const HOSTILE_KINDS = [...DEAD_LETTER_KINDS, ...DIRTY_KINDS] as const;

/** A kind of hostile message. */
export type HostileKind = (typeof HOSTILE_KINDS)[number];

/** True for the kinds that must end up as dead letters. */
export function isDeadLetterKind(kind: HostileKind): boolean {
  return (DEAD_LETTER_KINDS as readonly string[]).includes(kind);
}

const encoder = new TextEncoder();

const NOT_JSON = [
  "hello world",
  "<html><body><h1>502 Bad Gateway</h1></body></html>",
  "{'collection': 'view_product_detail'}",
  '{"collection":"checkout",}',
  "NaN",
  "undefined",
  "",
];
const NOT_OBJECT = ["[1,2,3]", '"view_product_detail"', "42", "null", "true", "1.5e3", "[]"];
// Byte sequences no UTF-8 decoder accepts: stray 0xFF, a lone continuation byte, an overlong
// "/", an encoded surrogate, a truncated 3-byte sequence, and Latin-1 "ß" before ASCII.
const BAD_UTF8 = [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xdf]];
const BAD_IPS = [
  "999.1.2.3",
  "1.2.3",
  "256.256.256.256",
  "1.2.3.4.5",
  "::gg",
  "localhost",
  " 8.8.8.8",
  "10.0.0.1 ",
  "2001:db8:::1",
  "abc.def.ghi.jkl",
  "192.168.1.-1",
  "1.2.3.4/24",
  "unknown",
  "-",
];

type Mutation = (event: ClickEvent, rng: Rng) => void;
const WRONG_TYPES: readonly Mutation[] = [
  (e) => (e.time_stamp = String(e.time_stamp)),
  (e) => (e.time_stamp = "yesterday"),
  (e) => (e.product_id = Number(e.product_id ?? 1)),
  (e) => (e.store_id = Number(e.store_id)),
  (e) => (e.option = 42),
  (e) => (e.cart_products = "[]"),
  (e) => (e.cart_products = { product_id: "abc", amount: "two" }),
  (e) => (e.is_paypal = "yes"),
  (e) => (e.recommendation = "false"),
  (e) => (e.ip = 3_232_235_777),
  (e) => (e.device_id = 12_345),
  (e) => (e.order_id = { id: 1 }),
  (e) => (e.recommendation_clicked_position = "third"),
  (e) => (e.user_agent = ["Mozilla/5.0"]),
  (e) => (e.local_time = 1_591_266_092),
];

function long(rng: Rng, seed: string): string {
  const length = rng.range(10_000, 100_000);
  return seed.repeat(Math.ceil(length / Math.max(1, seed.length))).slice(0, length);
}

function dirty(kind: (typeof DIRTY_KINDS)[number], event: ClickEvent, rng: Rng): ClickEvent {
  const copy: ClickEvent = { ...event };
  switch (kind) {
    case "wrong_types":
      for (let i = rng.range(2, 4); i > 0; i--) rng.pick(WRONG_TYPES)(copy, rng);
      break;
    case "empty_strings":
      for (const key of Object.keys(copy)) if (rng.chance(0.8)) copy[key] = "";
      copy.time_stamp = "";
      copy.ip = "";
      break;
    case "long_strings":
      copy.user_agent = long(rng, String(copy.user_agent ?? "Mozilla/5.0 "));
      if (rng.chance(0.5)) copy.current_url = `${String(copy.current_url)}?q=${long(rng, "x%20")}`;
      if (rng.chance(0.3)) copy.key_search = long(rng, "💍 ring ");
      break;
    case "bad_ip":
      copy.ip = rng.pick(BAD_IPS);
      break;
  }
  return copy;
}

function injectBadBytes(json: string, rng: Rng): Uint8Array {
  const bytes = encoder.encode(json);
  const marker = encoder.encode('"user_agent":"');
  const at = bytes.findIndex((_, i) => marker.every((b, j) => bytes[i + j] === b));
  const cut = at < 0 ? 1 : at + marker.length;
  const bad = rng.pick(BAD_UTF8);
  const out = new Uint8Array(bytes.length + bad.length);
  out.set(bytes.subarray(0, cut));
  out.set(bad, cut);
  out.set(bytes.subarray(cut), cut + bad.length);
  return out;
}

/** The bytes of a hostile message of `kind`, made from a clean `event`. */
export function hostileValue(kind: HostileKind, event: ClickEvent, rng: Rng): Uint8Array {
  switch (kind) {
    case "not_json": {
      if (rng.chance(0.5)) return encoder.encode(rng.pick(NOT_JSON));
      const json = eventJson(event);
      // A prefix of an object's text never closes it; two objects back to back are not JSON.
      return encoder.encode(
        rng.chance(0.7) ? json.slice(0, rng.range(1, json.length - 1)) : json + json,
      );
    }
    case "not_object":
      return encoder.encode(rng.chance(0.7) ? rng.pick(NOT_OBJECT) : `[${eventJson(event)}]`);
    case "not_utf8":
      return injectBadBytes(eventJson(event), rng);
    default:
      return encoder.encode(eventJson(dirty(kind, event, rng)));
  }
}
