import assert from "node:assert/strict";
import { requestsOf } from "./stream_rows.ts";

const row = (i: number, bytes: number) => ({ insertId: `id-${i}`, json: { v: "x".repeat(bytes) } });

Deno.test("requests are cut at the row limit", () => {
  const rows = Array.from({ length: 1_001 }, (_, i) => row(i, 10));
  assert.deepEqual(requestsOf(rows).map((r) => r.length), [500, 500, 1]);
});

Deno.test("requests are cut by bytes too: 500 large rows never make one request over the limit", () => {
  const rows = Array.from({ length: 500 }, (_, i) => row(i, 100_000));
  const requests = requestsOf(rows, 500, 9 * 1024 * 1024);
  assert.ok(requests.length >= 6, `${requests.length} requests`);
  for (const r of requests) {
    const bytes = r.reduce((n, x) => n + JSON.stringify(x).length, 0);
    assert.ok(bytes <= 9 * 1024 * 1024, `${bytes} bytes`);
  }
  assert.equal(requests.flat().length, 500);
  assert.deepEqual(requests.flat().map((r) => r.insertId), rows.map((r) => r.insertId));
});

Deno.test("a row larger than the byte budget still goes, alone", () => {
  const requests = requestsOf([row(0, 10), row(1, 2_000), row(2, 10)], 500, 1_000);
  assert.deepEqual(requests.map((r) => r.map((x) => x.insertId)), [["id-0"], ["id-1"], ["id-2"]]);
});
