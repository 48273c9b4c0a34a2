import assert from "node:assert/strict";
import { columnOf } from "./batch_columns.ts";
import { syntheticBatch, syntheticDeadLetter } from "./testing.ts";
import {
  eventDate,
  isRepresentableMs,
  MAX_ROW_BYTES,
  MAX_TIMESTAMP_MS,
  storableBatch,
  storableLetter,
} from "./value_limits.ts";
import { columnIndex } from "./batch_columns.ts";
import type { Cell, RowBatch } from "../../messages/staging_columns.ts";
import { packRows, unpackRows } from "../../messages/packed_rows.ts";

function withCell(batch: RowBatch, name: string, row: number, value: Cell): RowBatch {
  const columns = batch.columns.map((c) => [...c]);
  const column = columns[columnIndex(name)];
  if (column !== undefined) column[row] = value;
  return { rowCount: batch.rowCount, columns };
}

Deno.test("a clean batch comes back as it was, untouched and uncopied", () => {
  const rows = syntheticBatch({ fromOffset: 0, count: 50 });
  const letters = [syntheticDeadLetter(50)];
  const out = storableBatch(rows, letters);
  assert.equal(out.fixed, 0);
  assert.equal(out.rows.columns, rows.columns);
  assert.equal(out.deadLetters[0], letters[0]);
});

Deno.test("a Kafka timestamp of 2^53 is left null with a field problem; year 10000 is kept", () => {
  let rows = syntheticBatch({ fromOffset: 0, count: 3 });
  rows = withCell(rows, "_kafka_timestamp_ms", 0, 2 ** 53);
  rows = withCell(rows, "_kafka_timestamp_ms", 1, Date.UTC(10000, 0, 1));
  const out = storableBatch(rows, []);
  assert.equal(out.fixed, 1);
  const stamps = columnOf(out.rows, "_kafka_timestamp_ms");
  assert.deepEqual(stamps.slice(0, 2), [null, Date.UTC(10000, 0, 1)]);
  const problems = columnOf(out.rows, "field_problems")[0];
  assert.ok(Array.isArray(problems));
  assert.match(
    String(problems.at(-1) ?? ""),
    /^_kafka_timestamp_ms: 9007199254740992 is not an integer/,
  );
  assert.equal(columnOf(rows, "_kafka_timestamp_ms")[0], 2 ** 53, "the input is not modified");
});

Deno.test("an event time past 9999 and a cell of the wrong type are left null, each with a problem", () => {
  let rows = syntheticBatch({ fromOffset: 0, count: 2 });
  rows = withCell(rows, "event_time_ms", 0, MAX_TIMESTAMP_MS + 1);
  rows = withCell(rows, "is_bot", 1, "yes");
  const out = storableBatch(rows, []);
  assert.equal(out.fixed, 2);
  assert.equal(columnOf(out.rows, "event_time_ms")[0], null);
  assert.equal(columnOf(out.rows, "is_bot")[1], null);
  const [first, second] = columnOf(out.rows, "field_problems");
  assert.ok(Array.isArray(first) && Array.isArray(second));
  assert.match(
    String(first.at(-1) ?? ""),
    /event_time_ms: 253402300800000 is outside 0001-01-01\.\.9999/,
  );
  assert.match(String(second.at(-1) ?? ""), /is_bot: "yes" is not true or false; left null/);
});

Deno.test("bad Kafka coordinates are a bug, not a value to clean", () => {
  const rows = withCell(syntheticBatch({ fromOffset: 0, count: 1 }), "_offset", 0, 2 ** 60);
  assert.throws(() => storableBatch(rows, []), /Cannot write row 0: _offset/);
});

Deno.test("a row over the row limit loses its largest values until it fits, said in its problems", () => {
  const huge = "x".repeat(MAX_ROW_BYTES);
  const rows = withCell(syntheticBatch({ fromOffset: 0, count: 2 }), "extra", 1, huge);
  const out = storableBatch(rows, []);
  assert.equal(out.fixed, 1);
  assert.equal(columnOf(out.rows, "extra")[1], null);
  assert.equal(columnOf(out.rows, "current_url")[1], columnOf(rows, "current_url")[1]);
  const problems = columnOf(out.rows, "field_problems")[1];
  assert.ok(Array.isArray(problems));
  assert.match(
    String(problems.at(-1) ?? ""),
    /^extra: \d+ bytes do not fit the 8388608-byte row limit/,
  );
  assert.equal(columnOf(out.rows, "extra")[0], null, "the other row keeps what it had");
});

Deno.test("a dead letter keeps its code; an unstorable timestamp is nulled and huge raw bytes cut", () => {
  const letter = { ...syntheticDeadLetter(7), kafkaTimestampMs: 2 ** 53, raw: new Uint8Array(9e6) };
  const out = storableLetter(letter);
  assert.equal(out.code, letter.code);
  assert.equal(out.kafkaTimestampMs, null);
  assert.ok(out.raw.byteLength * 4 / 3 < MAX_ROW_BYTES);
  assert.match(out.reason, /Kafka timestamp 9007199254740992 is not storable; left null; raw/);
});

Deno.test("event dates come from the event time, else the Kafka time; unrepresentable ones are null", () => {
  assert.equal(eventDate(Date.UTC(2020, 5, 4), 0), "2020-06-04");
  assert.equal(eventDate(null, Date.UTC(1999, 0, 1)), "1999-01-01");
  assert.equal(eventDate(null, Date.UTC(10000, 0, 1)), null);
  assert.equal(eventDate(null, 2 ** 53), null);
  assert.equal(eventDate(null, null), null);
  assert.equal(isRepresentableMs(-1), true, "Kafka's 'no timestamp' is 1969-12-31");
});

Deno.test("packed rows whose large values lie in different rows come back as they were; one row over the limit is cut", () => {
  // 4.2 MB as JSON (a control character is escaped as \u0001): two in one row do not fit.
  const large = (ch: string) => ch + "\u0001".repeat(700_000);
  let rows = syntheticBatch({ fromOffset: 0, count: 3 });
  rows = withCell(rows, "extra", 0, large("x"));
  rows = withCell(rows, "current_url", 1, large("y"));
  const apart = unpackRows(packRows(rows));
  const kept = storableBatch(apart, []);
  assert.equal(kept.rows, apart, "stored from the packed bytes as they are");
  assert.equal(kept.fixed, 0);
  const together = unpackRows(packRows(withCell(rows, "current_url", 0, large("z"))));
  const cut = storableBatch(together, []);
  assert.notEqual(cut.rows, together);
  assert.equal(cut.fixed, 1);
  assert.equal(columnOf(cut.rows, "current_url")[1], large("y"));
  assert.deepEqual(
    [columnOf(cut.rows, "extra")[0], columnOf(cut.rows, "current_url")[0]].filter((c) => c === null)
      .length,
    1,
  );
});

Deno.test("a packed event time past 9999 is left null with a problem", () => {
  const rows = withCell(
    syntheticBatch({ fromOffset: 0, count: 3 }),
    "event_time_ms",
    2,
    MAX_TIMESTAMP_MS + 1,
  );
  const packed = unpackRows(packRows(rows));
  const out = storableBatch(packed, []);
  assert.equal(out.fixed, 1);
  assert.equal(columnOf(out.rows, "event_time_ms")[2], null);
  assert.equal(columnOf(out.rows, "event_time_ms")[1], columnOf(rows, "event_time_ms")[1]);
});
