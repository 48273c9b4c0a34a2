import assert from "node:assert/strict";
import { generateMessages } from "./generate_messages.ts";
import { DEAD_LETTER_KINDS, type HostileKind, isDeadLetterKind } from "./hostile.ts";

const strict = new TextDecoder("utf-8", { fatal: true });
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

/** How a consumer reads a value: UTF-8 text, then JSON, then an object. */
function read(value: Uint8Array): "not_utf8" | "not_json" | "not_object" | Record<string, unknown> {
  let text: string;
  try {
    text = strict.decode(value);
  } catch (error) {
    if (error instanceof TypeError) return "not_utf8";
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (error instanceof SyntaxError) return "not_json";
    throw error;
  }
  if (parsed === null || typeof parsed !== "object" || Array.isArray(parsed)) return "not_object";
  return parsed as Record<string, unknown>;
}

const sample = [...generateMessages({ seed: 21, count: 7000, badFraction: 1 })];
const ofKind = (kind: HostileKind) => sample.filter((m) => m.hostile === kind);

Deno.test("dead-letter kinds fail exactly where their name says", () => {
  for (const kind of DEAD_LETTER_KINDS) {
    assert.ok(isDeadLetterKind(kind));
    assert.ok(ofKind(kind).length > 800);
    for (const m of ofKind(kind)) assert.equal(read(m.value), kind, `message ${m.index}`);
  }
});

Deno.test("dirty kinds are still JSON objects, each with its kind of dirt", () => {
  const nonEmpty = (v: unknown) => typeof v === "string" && v.length > 0;
  for (const m of ofKind("wrong_types")) {
    const event = read(m.value);
    assert.equal(typeof event, "object");
  }
  for (const m of ofKind("empty_strings")) {
    const event = read(m.value);
    assert.ok(typeof event === "object");
    assert.equal(event.time_stamp, "");
    assert.equal(event.ip, "");
  }
  for (const m of ofKind("long_strings")) {
    const event = read(m.value);
    assert.ok(typeof event === "object");
    assert.ok(String(event.user_agent).length >= 10_000);
  }
  for (const m of ofKind("bad_ip")) {
    const event = read(m.value);
    assert.ok(typeof event === "object" && nonEmpty(event.ip));
    assert.doesNotMatch(String(event.ip), IPV4);
    assert.ok(!String(event.ip).match(/^[0-9a-f]{1,4}(:[0-9a-f]{1,4}){7}$/));
  }
  assert.ok(!isDeadLetterKind("bad_ip"));
});

Deno.test("wrong_types messages break the declared types of some fields", () => {
  let broken = 0;
  for (const m of ofKind("wrong_types")) {
    const e = read(m.value);
    if (typeof e !== "object") continue;
    const wrong = typeof e.time_stamp !== "number" || typeof e.store_id !== "string" ||
      typeof e.ip !== "string" || typeof e.device_id !== "string" ||
      typeof e.user_agent !== "string" || typeof e.local_time !== "string" ||
      (e.product_id !== undefined && typeof e.product_id !== "string") ||
      (e.option !== undefined && typeof e.option !== "object") ||
      (e.cart_products !== undefined && !Array.isArray(e.cart_products)) ||
      (e.is_paypal !== undefined && typeof e.is_paypal !== "boolean") ||
      typeof e.recommendation !== "boolean" ||
      (e.order_id !== undefined && typeof e.order_id === "object") ||
      (e.recommendation_clicked_position !== undefined &&
        typeof e.recommendation_clicked_position !== "number");
    if (wrong) broken++;
  }
  assert.equal(broken, ofKind("wrong_types").length);
});
