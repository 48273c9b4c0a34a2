import assert from "node:assert/strict";
import { generateMessages } from "./generate_messages.ts";
import { HOSTILE_KINDS } from "./hostile.ts";

const decoder = new TextDecoder();

function concat(seed: number, count: number, badFraction = 0.05): Uint8Array[] {
  return [...generateMessages({ seed, count, badFraction })].map((m) => m.value);
}

Deno.test("the same seed yields identical bytes and a different seed different ones", () => {
  const a = concat(42, 2000);
  assert.deepEqual(concat(42, 2000), a);
  const b = concat(43, 2000);
  const same = a.filter((value, i) => decoder.decode(value) === decoder.decode(b[i])).length;
  assert.ok(same < 20, `${same} of 2000 messages equal across seeds`);
});

Deno.test("a range starting at startIndex holds the same messages as the full run", () => {
  const full = [...generateMessages({ seed: 5, count: 600, badFraction: 0.1 })];
  const tail = [...generateMessages({ seed: 5, count: 100, badFraction: 0.1, startIndex: 500 })];
  assert.deepEqual(tail, full.slice(500));
});

Deno.test("the clean events do not depend on the bad fraction", () => {
  const clean = [...generateMessages({ seed: 8, count: 3000 })];
  for (const m of generateMessages({ seed: 8, count: 3000, badFraction: 0.3 })) {
    if (m.hostile === null) assert.deepEqual(m, clean[m.index]);
  }
});

Deno.test("the share of hostile messages matches the bad fraction within 4.5 standard deviations", () => {
  const n = 20_000;
  for (const fraction of [0.01, 0.1, 0.5]) {
    const byKind = new Map<string, number>();
    let hostile = 0;
    for (const m of generateMessages({ seed: 3, count: n, badFraction: fraction })) {
      if (m.hostile === null) continue;
      hostile++;
      byKind.set(m.hostile, (byKind.get(m.hostile) ?? 0) + 1);
    }
    const bound = 4.5 * Math.sqrt(n * fraction * (1 - fraction));
    assert.ok(Math.abs(hostile - n * fraction) <= bound, `${hostile} hostile at ${fraction}`);
    if (fraction === 0.5) {
      for (const kind of HOSTILE_KINDS) {
        const share = (byKind.get(kind) ?? 0) / hostile;
        assert.ok(Math.abs(share - 1 / 7) < 0.02, `${kind} is ${share} of hostile messages`);
      }
    }
  }
  assert.equal([...generateMessages({ seed: 3, count: 1000 })].filter((m) => m.hostile).length, 0);
});

Deno.test("a device's events always share one key, the device_id they carry", () => {
  const agentOf = new Map<string, string>();
  const eventsPerDevice = new Map<string, number>();
  for (const m of generateMessages({ seed: 12, count: 10_000 })) {
    const event = JSON.parse(decoder.decode(m.value));
    assert.equal(m.key, m.deviceId);
    assert.equal(event.device_id, m.key);
    // The device's other traits travel with it: the key groups one browser's events.
    assert.equal(agentOf.get(m.key) ?? event.user_agent, event.user_agent);
    agentOf.set(m.key, event.user_agent);
    eventsPerDevice.set(m.key, (eventsPerDevice.get(m.key) ?? 0) + 1);
  }
  const repeated = [...eventsPerDevice.values()].filter((n) => n > 1).length;
  assert.ok(repeated > eventsPerDevice.size / 2, `${repeated} of ${eventsPerDevice.size} repeat`);
});

Deno.test("wrong options are refused with a RangeError naming the option", () => {
  const refused = (pattern: RegExp) => (error: unknown) =>
    error instanceof RangeError && pattern.test(error.message);
  assert.throws(() => generateMessages({ seed: -1, count: 1 }).next(), refused(/seed must be/));
  assert.throws(() => generateMessages({ seed: 1, count: 1.5 }).next(), refused(/count must be/));
  assert.throws(
    () => generateMessages({ seed: 1, count: 1, badFraction: 2 }).next(),
    refused(/badFraction must be from 0 to 1, got 2/),
  );
});
