import assert from "node:assert/strict";
import { newClusterId } from "./kafka_broker.ts";

Deno.test("cluster ids are 22 URL-safe base64 characters and never start with a dash", () => {
  // 1 id in 64 would start with "-" without the guard: 5,000 draws all but certainly include one.
  for (let i = 0; i < 5_000; i++) {
    const id = newClusterId();
    assert.match(id, /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/);
  }
});
