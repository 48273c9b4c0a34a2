import assert from "node:assert/strict";
import { decodeEvent } from "./decode_event.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("a UTF-8 JSON object decodes to the event", () => {
  assert.deepEqual(decodeEvent(bytes('{"collection":"checkout","price":"1 278,00"}')), {
    ok: true,
    event: { collection: "checkout", price: "1 278,00" },
  });
});

Deno.test("bytes that are not UTF-8 are rejected as not_utf8 with the byte count", () => {
  for (const bad of [[0xff], [0x80], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xe2, 0x82]]) {
    const decoded = decodeEvent(new Uint8Array([0x7b, ...bad, 0x7d]));
    assert.equal(decoded.ok, false);
    if (decoded.ok) continue;
    assert.equal(decoded.code, "not_utf8");
    assert.match(decoded.reason, /^value \(\d+ bytes\) is not valid UTF-8: /);
  }
});

Deno.test("text that is not JSON is rejected as not_json with the parser's message", () => {
  for (const text of ["hello world", "{'collection': 'x'}", '{"a":1,}', "NaN", '{"a":1}{"a":1}']) {
    const decoded = decodeEvent(bytes(text));
    assert.equal(decoded.ok, false);
    if (decoded.ok) continue;
    assert.equal(decoded.code, "not_json");
    assert.match(decoded.reason, /^value is not JSON: .+/);
  }
});

Deno.test("an empty value is rejected as not_json and called empty", () => {
  const decoded = decodeEvent(new Uint8Array());
  assert.equal(decoded.ok, false);
  if (!decoded.ok) assert.match(decoded.reason, /^value is empty: /);
});

Deno.test("JSON that is not an object is rejected as not_object naming the type found", () => {
  const cases: [string, string][] = [
    ["[1,2,3]", "value is JSON but an array, not an object"],
    ['"view_product_detail"', "value is JSON but a string, not an object"],
    ["42", "value is JSON but a number, not an object"],
    ["null", "value is JSON but null, not an object"],
    ["true", "value is JSON but a boolean, not an object"],
  ];
  for (const [text, reason] of cases) {
    assert.deepEqual(decodeEvent(bytes(text)), { ok: false, code: "not_object", reason });
  }
});

Deno.test("values read as ASCII or as UTF-8 decode alike, views into larger buffers, BOMs and a sent U+FFFD included", () => {
  const cases = [
    '{"a":"plain ascii"}',
    '{"a":"1 278,00 €","b":"Zürich 東京 😀"}',
    '\ufeff{"a":"bom"}',
    '{"a":"a U+FFFD sent as such: \ufffd"}',
  ];
  for (const text of cases) {
    const inner = bytes(text);
    const outer = new Uint8Array(inner.byteLength + 7).fill(0x7b);
    outer.set(inner, 3);
    const decoded = decodeEvent(outer.subarray(3, 3 + inner.byteLength));
    assert.deepEqual(decoded, { ok: true, event: JSON.parse(text.replace(/^\ufeff/, "")) });
  }
});
