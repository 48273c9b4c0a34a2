import assert from "node:assert/strict";
import { decodeTopicId, encodeTopicIdRequest, TopicMetadataError } from "./topic_id_metadata.ts";

const text = (s: string) => [s.length + 1, ...new TextEncoder().encode(s)];
const int16 = (n: number) => [(n >> 8) & 0xff, n & 0xff];
const int32 = (n: number) => [(n >>> 24) & 0xff, (n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff];
const ID = [...Array(16).keys()].map((i) => i * 17); // 00 11 22 ... ff

/** A Metadata v10 answer (after the correlation id) with two brokers and one topic. */
function answer(errorCode: number, name = "clicks"): Uint8Array {
  return Uint8Array.from([
    1,
    ...[7, 1, 0], // header: one tagged field (tag 7, one byte)
    ...int32(0), // throttle
    3, // two brokers
    ...int32(1),
    ...text("127.0.0.1"),
    ...int32(9092),
    0,
    0, // rack null, no tags
    ...int32(2),
    ...text("127.0.0.2"),
    ...int32(9092),
    ...text("r1"),
    0,
    ...text("cluster-x"),
    ...int32(1), // cluster id, controller
    2, // one topic
    ...int16(errorCode),
    ...text(name),
    ...ID,
    0, // is_internal; partitions and the rest follow
  ]);
}

Deno.test("the request asks for one topic by name, creating nothing, with empty tagged fields", () => {
  assert.deepEqual(
    [...encodeTopicIdRequest("ab")],
    [0, 2, ...new Array(16).fill(0), 3, 97, 98, 0, 0, 0, 0, 0],
  );
});

Deno.test("the answer's topic id reads past brokers, racks and tagged fields as a UUID", () => {
  assert.equal(decodeTopicId(answer(0), "clicks"), "00112233-4455-6677-8899-aabbccddeeff");
});

Deno.test("a topic answered with an error throws its code", () => {
  assert.throws(
    () => decodeTopicId(answer(3), "clicks"),
    (e: unknown) => e instanceof TopicMetadataError && e.errorCode === 3,
  );
});

Deno.test("an answer about another topic, or cut short, is refused with where it failed", () => {
  assert.throws(() => decodeTopicId(answer(0, "views"), "clicks"), /names topic views/);
  assert.throws(() => decodeTopicId(answer(0).subarray(0, 30), "clicks"), /ends at byte 30/);
});
