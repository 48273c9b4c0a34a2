import assert from "node:assert/strict";
import {
  asBoolean,
  asFlagText,
  asInteger,
  asIntegerText,
  asText,
  isEmpty,
  type Problems,
  truncate,
} from "./field_coercion.ts";

function run<T>(coerce: (problems: Problems) => T): [T, Problems] {
  const problems: Problems = [];
  return [coerce(problems), problems];
}

Deno.test("string fields take numbers as their decimal text", () => {
  assert.deepEqual(run((p) => asText("store_id", 6, 100, p)), ["6", []]);
  assert.deepEqual(run((p) => asText("price", 880.5, 100, p)), ["880.5", []]);
});

Deno.test("string fields refuse objects, arrays and booleans with a problem", () => {
  assert.deepEqual(run((p) => asText("user_agent", ["Mozilla/5.0"], 100, p)), [
    null,
    ['user_agent: expected string, got ["Mozilla/5.0"]'],
  ]);
  assert.deepEqual(run((p) => asText("device_id", true, 100, p)), [
    null,
    ["device_id: expected string, got true"],
  ]);
});

Deno.test("show_recommendation-like fields take booleans as their text", () => {
  assert.deepEqual(run((p) => asText("show_recommendation", false, 100, p, true)), ["false", []]);
});

Deno.test("a very long string is truncated and the problem names its length", () => {
  const [value, problems] = run((p) => asText("key_search", "ab".repeat(10), 5, p));
  assert.equal(value, "ababa");
  assert.deepEqual(problems, ["key_search: 20 characters, truncated to 5"]);
});

Deno.test("truncation never splits a surrogate pair", () => {
  assert.equal(truncate("a💍b", 2), "a");
  assert.equal(truncate("a💍b", 3), "a💍");
});

Deno.test("utm fields read false as null and keep strings", () => {
  assert.deepEqual(run((p) => asFlagText("utm_source", false, 100, p)), [null, []]);
  assert.deepEqual(run((p) => asFlagText("utm_source", "google", 100, p)), ["google", []]);
});

Deno.test("order_id keeps the digits of ints, integer strings and zero-fraction doubles", () => {
  assert.deepEqual(run((p) => asIntegerText("order_id", 720251727, p)), ["720251727", []]);
  assert.deepEqual(run((p) => asIntegerText("order_id", "720251727", p)), ["720251727", []]);
  assert.deepEqual(run((p) => asIntegerText("order_id", "720251727.0", p)), ["720251727", []]);
  assert.deepEqual(run((p) => asIntegerText("order_id", "98765432109876543210", p)), [
    "98765432109876543210",
    [],
  ]);
});

Deno.test("order_id refuses words, fractions and objects rather than lose information", () => {
  assert.deepEqual(run((p) => asIntegerText("order_id", "abc", p)), [
    null,
    ['order_id: expected integer, got "abc"'],
  ]);
  assert.deepEqual(run((p) => asIntegerText("order_id", "7202.5", p)), [
    null,
    ['order_id: expected integer, got "7202.5"'],
  ]);
  assert.deepEqual(run((p) => asIntegerText("order_id", 7202.5, p)), [
    null,
    ["order_id: expected integer, got 7202.5"],
  ]);
  assert.deepEqual(run((p) => asIntegerText("order_id", { id: 1 }, p)), [
    null,
    ['order_id: expected integer, got {"id":1}'],
  ]);
});

Deno.test("integer fields take exact integer text and refuse values out of range", () => {
  assert.deepEqual(run((p) => asInteger("time_stamp", "1591266092", 0, 2 ** 53, p)), [
    1591266092,
    [],
  ]);
  assert.deepEqual(run((p) => asInteger("recommendation_clicked_position", "third", 0, 9, p)), [
    null,
    ['recommendation_clicked_position: expected integer, got "third"'],
  ]);
  assert.deepEqual(run((p) => asInteger("recommendation_clicked_position", 2 ** 40, -5, 5, p)), [
    null,
    ["recommendation_clicked_position: 1099511627776 is out of range -5..5"],
  ]);
  assert.deepEqual(run((p) => asInteger("time_stamp", 1e300, 0, 2 ** 53, p)), [
    null,
    ["time_stamp: expected integer, got 1e+300"],
  ]);
});

Deno.test("boolean fields take true/false words and 1/0 and refuse anything else", () => {
  assert.deepEqual(run((p) => asBoolean("recommendation", "false", p)), [false, []]);
  assert.deepEqual(run((p) => asBoolean("recommendation", "TRUE", p)), [true, []]);
  assert.deepEqual(run((p) => asBoolean("is_paypal", 1, p)), [true, []]);
  assert.deepEqual(run((p) => asBoolean("is_paypal", "yes", p)), [
    null,
    ['is_paypal: expected boolean, got "yes"'],
  ]);
});

Deno.test("null, empty strings, empty lists and empty objects count as absent", () => {
  assert.deepEqual([null, "", [], {}, 0, false, " ", [0]].map(isEmpty), [
    true,
    true,
    true,
    true,
    false,
    false,
    false,
    false,
  ]);
});
