import assert from "node:assert/strict";
import {
  asBigint,
  asBoolean,
  asFlag,
  asInteger,
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

/** Misfits kept by name, as `extra` keeps them. */
function kept(): { add(key: string, value: unknown): void; seen: [string, unknown][] } {
  const seen: [string, unknown][] = [];
  return { add: (key, value) => seen.push([key, value]), seen };
}

Deno.test("utm fields read false, true and their text as booleans", () => {
  const misfits = kept();
  assert.deepEqual(run((p) => asFlag("utm_source", false, p, misfits)), [false, []]);
  assert.deepEqual(run((p) => asFlag("utm_source", true, p, misfits)), [true, []]);
  assert.deepEqual(run((p) => asFlag("utm_medium", "true", p, misfits)), [true, []]);
  assert.deepEqual(run((p) => asFlag("utm_medium", " False ", p, misfits)), [false, []]);
  assert.deepEqual(misfits.seen, []);
});

Deno.test("a utm field of other text is null with a problem and its value kept in extra", () => {
  const misfits = kept();
  assert.deepEqual(run((p) => asFlag("utm_source", "google", p, misfits)), [
    null,
    ['utm_source: expected true or false, got "google"; kept in extra'],
  ]);
  assert.deepEqual(misfits.seen, [["utm_source", "google"]]);
});

Deno.test("order_id reads ints, integer strings and zero-fraction doubles as integers", () => {
  const misfits = kept();
  assert.deepEqual(run((p) => asBigint("order_id", 720251727, p, misfits)), [720251727, []]);
  assert.deepEqual(run((p) => asBigint("order_id", "720251727", p, misfits)), [720251727, []]);
  assert.deepEqual(run((p) => asBigint("order_id", "720251727.0", p, misfits)), [720251727, []]);
  assert.deepEqual(misfits.seen, []);
});

Deno.test("order_id that is no exact integer is null with a problem and kept in extra", () => {
  const misfits = kept();
  for (const value of ["abc", "7202.5", 7202.5, { id: 1 }, "98765432109876543210"]) {
    assert.deepEqual(run((p) => asBigint("order_id", value, p, misfits)), [
      null,
      [`order_id: expected integer (|n| < 2^53), got ${JSON.stringify(value)}; kept in extra`],
    ]);
  }
  assert.deepEqual(misfits.seen.map(([, v]) => v), [
    "abc",
    "7202.5",
    7202.5,
    { id: 1 },
    "98765432109876543210",
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
