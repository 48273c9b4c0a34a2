import assert from "node:assert/strict";
import { isEmpty, isNumberArray, isRecord, isStringArray } from "./guards.ts";

Deno.test("a record is an object that is neither null nor an array", () => {
  assert.deepEqual([{}, { a: 1 }, new Uint8Array(1)].map(isRecord), [true, true, true]);
  assert.deepEqual([null, [], "x", 1, undefined].map(isRecord), [
    false,
    false,
    false,
    false,
    false,
  ]);
});

Deno.test("an empty message is an object without fields", () => {
  assert.deepEqual([{}, { a: 1 }, [], null].map(isEmpty), [true, false, false, false]);
});

Deno.test("typed arrays hold only their type", () => {
  assert.ok(isNumberArray([1, 2.5]) && !isNumberArray([1, "2"]));
  assert.ok(isStringArray(["a"]) && !isStringArray(["a", 1]) && !isStringArray("a"));
});
