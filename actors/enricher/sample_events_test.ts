import assert from "node:assert/strict";
import { decodeEvent } from "./decode_event.ts";
import { sampleMessages, sampleUserAgent } from "./sample_events.ts";

Deno.test("sample messages are deterministic JSON events of about 830 bytes", () => {
  const a = sampleMessages(2_000, { distinctUserAgents: 500, seed: 1 });
  const b = sampleMessages(2_000, { distinctUserAgents: 500, seed: 1 });
  assert.deepEqual(a[1_999]?.value, b[1_999]?.value);
  const average = a.reduce((sum, m) => sum + m.value.byteLength, 0) / a.length;
  assert.ok(average > 700 && average < 950, `average ${average} bytes`);
  assert.ok(a.every((m) => decodeEvent(m.value).ok));
});

Deno.test("the sample UA pool gives distinct User-Agents", () => {
  const pool = new Set(Array.from({ length: 5_000 }, (_, i) => sampleUserAgent(i)));
  assert.equal(pool.size, 5_000);
});
