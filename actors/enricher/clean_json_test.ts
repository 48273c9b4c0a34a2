import assert from "node:assert/strict";
import { cleanJson } from "./clean_json.ts";

Deno.test("cleaning keeps a __proto__ key as plain data", () => {
  const parsed: unknown = JSON.parse('{"__proto__":{"polluted":"yes"},"a":"b"}');
  const cleaned = cleanJson(parsed);
  assert.equal(JSON.stringify(cleaned), '{"__proto__":{"polluted":"yes"},"a":"b"}');
  assert.equal(Object.getPrototypeOf(cleaned), Object.prototype);
});
