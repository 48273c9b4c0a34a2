import assert from "node:assert/strict";
import { KnownKeys } from "./known_keys.ts";

Deno.test("known keys remember what was added until the capacity clears them", () => {
  const keys = new KnownKeys(2);
  keys.addAll(["a", "b"]);
  assert.ok(keys.has("a") && keys.has("b") && !keys.has("c"));
  keys.addAll(["c"]);
  assert.ok(keys.has("c") && !keys.has("a"), "a full set starts over");
});
