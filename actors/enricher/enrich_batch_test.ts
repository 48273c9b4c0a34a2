import assert from "node:assert/strict";
import type { GeoLookup } from "../geoip/geo_lookup.ts";
import { enrichBatch } from "./enrich_batch.ts";
import { messageOf, productView, rowAt } from "./testing.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

const context = () => ({ userAgents: new UserAgentCache(100) });

Deno.test("every message becomes a row or a dead letter, in order, and rowOf says which", () => {
  const messages = [
    messageOf(productView(), 10),
    messageOf("hello world", 11),
    messageOf(new Uint8Array([0x7b, 0xff, 0x7d]), 12),
    messageOf({ ...productView(), collection: "view_listing_page" }, 13),
    messageOf("[1,2,3]", 14),
  ];
  const batch = enrichBatch(messages, context());
  assert.equal(batch.rows.rowCount, 2);
  assert.deepEqual([...batch.rowOf], [0, -1, -1, 1, -1]);
  assert.deepEqual(batch.deadLetters.map((d) => [d.offset, d.code]), [
    [11, "not_json"],
    [12, "not_utf8"],
    [14, "not_object"],
  ]);
  for (const column of batch.rows.columns) assert.equal(column.length, 2);
  assert.deepEqual([rowAt(batch.rows, 0)._offset, rowAt(batch.rows, 1)._offset], [10, 13]);
  assert.equal(rowAt(batch.rows, 1).collection, "view_listing_page");
});

Deno.test("rows carry their Kafka coordinates", () => {
  const batch = enrichBatch([messageOf(productView(), 42)], context());
  const row = rowAt(batch.rows, 0);
  assert.deepEqual(
    [row._topic, row._partition, row._offset, row._kafka_timestamp_ms],
    ["clicks", 0, 42, 1_591_266_092_500],
  );
});

Deno.test("dead letters keep their coordinates, a readable reason and a copy of the raw bytes", () => {
  const buffer = new TextEncoder().encode('xx"view_product_detail"yy');
  const value = buffer.subarray(2, buffer.length - 2);
  const [letter] = enrichBatch([messageOf(value, 7)], context()).deadLetters;
  assert.ok(letter !== undefined);
  assert.deepEqual(
    [letter.topic, letter.partition, letter.offset, letter.kafkaTimestampMs, letter.code],
    ["clicks", 0, 7, 1_591_266_092_500, "not_object"],
  );
  assert.equal(letter.reason, "value is JSON but a string, not an object");
  assert.deepEqual(letter.raw, value);
  assert.equal(letter.raw.buffer.byteLength, value.byteLength);
});

Deno.test("an event nested 20,000 levels deep is staged without exhausting the stack", () => {
  const deep = `{"collection":"x","option":{"a":${"[".repeat(20_000)}1${"]".repeat(20_000)}}}`;
  const batch = enrichBatch([messageOf(deep, 1)], context());
  assert.deepEqual([batch.rows.rowCount, batch.deadLetters.length], [1, 0]);
  const option = rowAt(batch.rows, 0).option;
  assert.ok(Array.isArray(option));
  // The unknown key keeps its whole value in the element's extra: 20,000 brackets each side.
  assert.equal(String((option[0] as Record<string, unknown>).extra).length, 40_007);
});

Deno.test("a throw while staging one event makes it one enrich_failed dead letter; its neighbours are staged", () => {
  let calls = 0;
  const brokenOnce: GeoLookup = {
    version: "broken",
    lookup: () => {
      if (++calls === 2) throw new Error("table unmapped");
      return null;
    },
  };
  const messages = [
    messageOf(productView(), 1),
    messageOf(productView(), 2),
    messageOf({ collection: "view_listing_page", ip: "1.2.3.4" }, 3),
  ];
  const batch = enrichBatch(messages, { ...context(), geo: brokenOnce });
  assert.deepEqual([...batch.rowOf], [0, -1, 1]);
  assert.deepEqual(batch.deadLetters.map((d) => [d.offset, d.code, d.reason]), [
    [2, "enrich_failed", "enrichment threw: Error: table unmapped"],
  ]);
  assert.deepEqual(batch.deadLetters[0]?.raw, messages[1]?.value);
  assert.deepEqual([rowAt(batch.rows, 0)._offset, rowAt(batch.rows, 1)._offset], [1, 3]);
  // The failed event's half-written cells (its user agent) did not leak into the next row.
  assert.equal(rowAt(batch.rows, 1).user_agent_id, null);
  assert.equal(rowAt(batch.rows, 1).browser_family, null);
});

Deno.test("the test fault switch throws on exactly the chosen event", () => {
  const messages = Array.from({ length: 2_000 }, (_, i) => messageOf(productView(), i));
  const batch = enrichBatch(messages, context(), { throwAt: { partition: 0, offset: 1_234 } });
  assert.equal(batch.rows.rowCount, 1_999);
  assert.deepEqual(batch.deadLetters.map((d) => [d.offset, d.code]), [[1_234, "enrich_failed"]]);
  assert.match(batch.deadLetters[0]?.reason ?? "", /injected enrichment failure at 0@1234/);
});

Deno.test("rows with field problems are staged and counted", () => {
  const batch = enrichBatch(
    [messageOf({ ...productView(), ip: "999.1.2.3" }, 1), messageOf(productView(), 2)],
    context(),
  );
  assert.equal(batch.rows.rowCount, 2);
  assert.equal(batch.rowsWithProblems, 1);
  assert.deepEqual(rowAt(batch.rows, 0).field_problems, ['ip: not an IP address, got "999.1.2.3"']);
});

Deno.test("an empty batch gives no rows and no dead letters", () => {
  const batch = enrichBatch([], context());
  assert.deepEqual([batch.rows.rowCount, batch.deadLetters.length, batch.rowOf.length], [0, 0, 0]);
});
