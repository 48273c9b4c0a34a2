import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { packRows, unpackRows, viewOf } from "../../../messages/packed_rows.ts";
import { STAGING_COLUMNS } from "../../../messages/staging_columns.ts";
import { columnIndex } from "../batch_columns.ts";
import { syntheticBatch } from "../testing.ts";
import { duckdbTypeSql } from "../table_columns.ts";
import {
  appendChunks,
  appendColumns,
  buildChunks,
  CHUNK_ROWS,
  type ChunkColumn,
  recycleChunks,
} from "./column_chunks.ts";

const COLUMNS = STAGING_COLUMNS.map((c) => `"${c.name}" ${duckdbTypeSql(c.type)}`).join(", ");

/**
 * Synthetic rows with nulls, empty lists, NUL bytes, non-ASCII and long text mixed in, and more
 * option elements than a chunk has rows.
 */
function varied(count: number) {
  const batch = syntheticBatch({ fromOffset: 0, count });
  const at = (name: string) => batch.columns[columnIndex(name)] ?? [];
  for (let row = 0; row < count; row++) {
    if (row % 11 === 3) at("device_id")[row] = null;
    if (row % 13 === 5) at("key_search")[row] = "nul\0inside ünïcode 😀 and more than twelve";
    if (row % 13 === 6) at("key_search")[row] = "é😀";
    if (row % 17 === 7) at("catalog_product_ids")[row] = [];
    if (row % 2 === 0) {
      at("option")[row] = [
        { alloy: "gold-750 ünïcode", "category id": "1234567890123" },
        {},
        { extra: '{"k":"v"}', Kollektion: "x", value_label: `w${row}` },
      ];
    }
    if (row % 19 === 8) at("option")[row] = null;
    if (row % 23 === 9) at("is_paypal")[row] = null;
    if (row % 29 === 10) at("latitude")[row] = null;
  }
  return batch;
}

Deno.test("a packed batch appends the same table as its cells, across chunk boundaries", async () => {
  const count = CHUNK_ROWS * 2 + 37;
  const batch = varied(count);
  const packed = packRows(batch);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const table of ["from_cells", "from_bytes"]) {
      await connection.run(`CREATE TABLE ${table} (${COLUMNS})`);
      const appender = await connection.createAppender(table);
      const columns = STAGING_COLUMNS.map((spec, c): ChunkColumn =>
        table === "from_cells"
          ? { name: spec.name, type: spec.type, cells: batch.columns[c] ?? [] }
          : { name: spec.name, type: spec.type, packed: viewOf(packed, c) }
      );
      appendColumns(appender, columns, count);
      appender.closeSync();
    }
    const differ = await connection.runAndReadAll(
      `SELECT count(*) FROM ((FROM from_cells EXCEPT ALL FROM from_bytes)
       UNION ALL (FROM from_bytes EXCEPT ALL FROM from_cells))`,
    );
    assert.equal(Number(differ.getRowsJS()[0]?.[0]), 0);
    const read = await connection.runAndReadAll(
      `SELECT count(*), count(device_id), count(option), sum(len(catalog_product_ids)),
        max(key_search) FILTER (WHERE key_search LIKE 'nul%') FROM from_bytes`,
    );
    const [rows, devices, options, products, nul] = read.getRowsJS()[0] ?? [];
    assert.equal(Number(rows), count);
    assert.equal(Number(devices), count - Math.ceil((count - 3) / 11));
    assert.equal(Number(options), count - Math.ceil((count - 8) / 19));
    assert.ok(Number(products) > 0);
    const members = await connection.runAndReadAll(
      `SELECT count(*), count(*) FILTER (o.value_label = 'w0'),
        count(*) FILTER (o.alloy = 'gold-750 ünïcode' AND o.value_label IS NULL)
       FROM from_bytes, unnest(option) AS u(o)`,
    );
    const sizes = (batch.columns[columnIndex("option")] ?? []).map((c) =>
      Array.isArray(c) ? c.length : 0
    );
    assert.deepEqual(members.getRowsJS()[0]?.map(Number), [
      sizes.reduce((a, b) => a + b, 0),
      1,
      sizes.filter((n) => n === 3).length,
    ]);
    assert.equal(nul, "nul\0inside ünïcode 😀 and more than twelve");
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("recycled chunks filled with the next batch append exactly what fresh chunks do", async () => {
  const first = packRows(varied(CHUNK_ROWS * 2 + 37));
  // The next batch: fewer rows, nulls and empty lists where the first held values.
  const count = CHUNK_ROWS + 5;
  const next = syntheticBatch({ fromOffset: 9000, count });
  for (let row = 0; row < count; row++) {
    for (const name of ["option", "key_search", "device_id", "is_paypal", "latitude"]) {
      if (row % 2 === 0) (next.columns[columnIndex(name)] ?? [])[row] = null;
    }
    if (row % 3 === 0) (next.columns[columnIndex("catalog_product_ids")] ?? [])[row] = [];
  }
  const packed = packRows(next);
  const columnsOf = (rows: typeof first): ChunkColumn[] =>
    STAGING_COLUMNS.map((spec, c) => ({
      name: spec.name,
      type: spec.type,
      packed: viewOf(rows, c),
    }));
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    for (const table of ["from_cells", "recycled"]) {
      await connection.run(`CREATE TABLE ${table} (${COLUMNS})`);
    }
    const cells = await connection.createAppender("from_cells");
    appendColumns(
      cells,
      STAGING_COLUMNS.map((spec, c) => ({
        name: spec.name,
        type: spec.type,
        cells: next.columns[c] ?? [],
      })),
      count,
    );
    cells.closeSync();
    const used = buildChunks(columnsOf(first), first.rowCount);
    recycleChunks(used);
    const again = buildChunks(columnsOf(packed), count);
    assert.ok(again.every((chunk) => used.includes(chunk)), "the chunks are reused");
    const appender = await connection.createAppender("recycled");
    appendChunks(appender, again);
    appender.closeSync();
    recycleChunks(again);
    const differ = await connection.runAndReadAll(
      `SELECT count(*) FROM ((FROM from_cells EXCEPT ALL FROM recycled)
       UNION ALL (FROM recycled EXCEPT ALL FROM from_cells))`,
    );
    assert.equal(Number(differ.getRowsJS()[0]?.[0]), 0);
    const rows = await connection.runAndReadAll("SELECT count(*), count(option) FROM recycled");
    assert.deepEqual(rows.getRowsJS()[0]?.map(Number), [count, Math.floor(count / 2)]);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("a nested cell whose packed JSON is damaged fails the append with a TypeError naming the column", async () => {
  const batch = varied(10);
  (batch.columns[columnIndex("cart_products")] ?? [])[0] = [{ amount: 2, price: "1,00" }];
  const packed = packRows(batch);
  const bytes = packed.bytes;
  // The cart cell starts with "[{"; "[[" is valid UTF-8 but not a list of objects.
  const view = viewOf(packed, columnIndex("cart_products"));
  const first = view.bytes.byteOffset + (view.starts[0] ?? 0) + 1;
  bytes[first] = 0x5b;
  const damaged = { rowCount: packed.rowCount, bytes };
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE t (${COLUMNS})`);
    const appender = await connection.createAppender("t");
    const columns = STAGING_COLUMNS.map((spec, c): ChunkColumn => ({
      name: spec.name,
      type: spec.type,
      packed: viewOf(damaged, c),
    }));
    assert.throws(
      () => appendColumns(appender, columns, 10),
      (e: unknown) => e instanceof TypeError && /column cart_products/.test(e.message),
    );
    appender.clear();
    appender.closeSync();
    assert.throws(() => unpackRows(damaged).columns[columnIndex("cart_products")], TypeError);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("option member lengths that do not add up to its text are refused, naming the column", () => {
  const packed = packRows(varied(10));
  const view = viewOf(packed, columnIndex("option"));
  const slot = view.children.findIndex((length) => length > 0 && length !== 0xffffffff);
  const bytes = packed.bytes.slice();
  new Uint32Array(bytes.buffer, view.children.byteOffset, view.children.length)[slot] = 0xfffffffe;
  assert.throws(
    () => viewOf({ rowCount: packed.rowCount, bytes }, columnIndex("option")),
    /Packed column option is malformed: lengths add up to/,
  );
});
