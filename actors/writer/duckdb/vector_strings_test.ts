import assert from "node:assert/strict";
import { DuckDBDataChunk, DuckDBInstance, VARCHAR } from "@duckdb/node-api";
import duckdb from "@duckdb/node-bindings";
import { writeStringBytes, writeStrings } from "./vector_strings.ts";

/** Texts around the 12-byte inline limit, in UTF-8 bytes, with empty, NUL and non-ASCII ones. */
const EDGES = [
  "",
  "a",
  "exactly12byt",
  "thirteen byte",
  "elevenbytes" + "é", // 13 bytes, 12 characters
  "tenbytes.." + "é", // 12 bytes
  "😀😀😀", // 12 bytes
  "😀😀😀😀", // 16 bytes
  "nul\0inside and longer than twelve",
  "\0",
  "日本語のテキスト",
  "https://www.glamira.de/glamira-ring-100263.html?alloy=white-585",
];

const encoder = new TextEncoder();

/** The UTF-8 bytes of `texts` one after another, and where each starts (one more entry). */
function packed(texts: readonly string[]): { bytes: Uint8Array; starts: Uint32Array } {
  const parts = texts.map((t) => encoder.encode(t));
  const starts = new Uint32Array(parts.length + 1);
  parts.forEach((p, i) => starts[i + 1] = (starts[i] ?? 0) + p.byteLength);
  const bytes = new Uint8Array(starts[parts.length] ?? 0);
  parts.forEach((p, i) => bytes.set(p, starts[i]));
  return { bytes, starts };
}

/** A one-column VARCHAR chunk of `count` rows filled by `fill`, read back as JS values. */
function filled(count: number, fill: (vector: duckdb.Vector) => void): unknown[] {
  const chunk = DuckDBDataChunk.create([VARCHAR], count);
  fill(duckdb.data_chunk_get_vector(chunk.chunk, 0));
  return chunk.getColumnValues(0);
}

/** Orders in which long texts come first, last, alone or not at all. */
const ORDERS: readonly (readonly string[])[] = [
  EDGES,
  [...EDGES].reverse(),
  ["thirteen byte"],
  ["thirteen byte", "a", ""],
  ["a", "", "exactly12byt"],
  ["", "", "😀😀😀😀"],
];

Deno.test("texts read back exactly from bytes at the 12-byte inline limit, long ones anywhere", () => {
  for (const texts of ORDERS) {
    const { bytes, starts } = packed(texts);
    assert.deepEqual(
      filled(texts.length, (v) => writeStringBytes(v, bytes, starts, 0, texts.length)),
      texts,
    );
  }
});

Deno.test("every other text read back exactly from bytes with a stride, from an offset", () => {
  const texts = [...EDGES, ...EDGES.slice(1)];
  const { bytes, starts } = packed(texts);
  const picked = texts.filter((_, i) => i >= 3 && (i - 3) % 2 === 0);
  assert.deepEqual(
    filled(picked.length, (v) => writeStringBytes(v, bytes, starts, 3, picked.length, 2)),
    picked,
  );
});

Deno.test("inline slots hold zeros past each text, whatever bytes follow it", () => {
  // Short texts of every length 0..12, each followed by bytes that are not zero.
  const texts = Array.from({ length: 13 }, (_, n) => "x".repeat(n) + "\u00ff".repeat(7));
  const { bytes, starts } = packed(texts);
  // Every other span: text n is the run of n "x" only; its "ÿ" bytes lie between it and the next.
  const spans = new Uint32Array(27);
  for (let n = 0; n < 13; n++) {
    spans[n * 2] = starts[n] ?? 0;
    spans[n * 2 + 1] = (starts[n] ?? 0) + n;
  }
  spans[26] = bytes.byteLength;
  const chunk = DuckDBDataChunk.create([VARCHAR], 13);
  const vector = duckdb.data_chunk_get_vector(chunk.chunk, 0);
  writeStringBytes(vector, bytes, spans, 0, 13, 2);
  const slots = duckdb.vector_get_data(vector, 13 * 16);
  for (let n = 0; n < 13; n++) {
    const slot = slots.subarray(n * 16, n * 16 + 16);
    assert.equal(new DataView(slot.buffer, slot.byteOffset).getUint32(0, true), n);
    assert.deepEqual([...slot.subarray(4, 4 + n)], Array(n).fill(0x78), `text of ${n} bytes`);
    assert.deepEqual([...slot.subarray(4 + n)], Array(12 - n).fill(0), `padding after ${n} bytes`);
  }
  assert.deepEqual(chunk.getColumnValues(0), texts.map((_, n) => "x".repeat(n)));
});

Deno.test("strings read back exactly at the 12-byte inline limit, long ones anywhere", () => {
  for (const texts of ORDERS) {
    assert.deepEqual(filled(texts.length, (v) => writeStrings(v, texts)), texts);
  }
  const many = Array.from({ length: 2048 }, (_, i) => `${EDGES[i % EDGES.length]}${i % 97}`);
  assert.deepEqual(filled(many.length, (v) => writeStrings(v, many)), many);
});

Deno.test("long texts stay in the table after the appended chunk is reset", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run("CREATE TABLE t (s VARCHAR)");
    const texts = [...EDGES, ...EDGES.map((t) => `${t} second copy`)];
    const { bytes, starts } = packed(texts);
    const appender = await connection.createAppender("t");
    for (const write of ["bytes", "strings"]) {
      const chunk = DuckDBDataChunk.create([VARCHAR], texts.length);
      const vector = duckdb.data_chunk_get_vector(chunk.chunk, 0);
      if (write === "bytes") writeStringBytes(vector, bytes, starts, 0, texts.length);
      else writeStrings(vector, texts);
      appender.appendDataChunk(chunk);
      chunk.reset();
    }
    appender.closeSync();
    bytes.fill(0);
    const read = await connection.runAndReadAll("SELECT s FROM t ORDER BY rowid");
    assert.deepEqual(read.getRowsJS().map((row) => row[0]), [...texts, ...texts]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
