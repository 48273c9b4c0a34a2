import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import type { Cell } from "../../../messages/staging_columns.ts";
import { appendColumns, CHUNK_ROWS, type ChunkColumn } from "./column_chunks.ts";
import { CART_PRODUCT_LIST, duckdbStructListSql } from "../../../messages/nested_columns.ts";

const TABLE = `CREATE TABLE t (s VARCHAR, i INTEGER, b BIGINT, d DOUBLE, f BOOLEAN, l VARCHAR[],
  ts TIMESTAMPTZ)`;

async function roundTrip(columns: ChunkColumn[], rowCount: number) {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(TABLE);
    const appender = await connection.createAppender("t");
    appendColumns(appender, columns, rowCount);
    appender.closeSync();
    const reader = await connection.runAndReadAll(
      "SELECT s, i, b, d, f, l, epoch_ms(ts) AS ts FROM t ORDER BY rowid",
    );
    return reader.getRowsJS();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

const columnsOf = (rows: Cell[][]): ChunkColumn[] => {
  const names = ["s", "i", "b", "d", "f", "l", "ts"] as const;
  const types = ["VARCHAR", "INTEGER", "BIGINT", "DOUBLE", "BOOLEAN", "VARCHAR[]", "TIMESTAMPTZ"];
  return names.map((name, c) => ({
    name,
    type: types[c] as ChunkColumn["type"],
    cells: rows.map((row) => row[c] ?? null),
  }));
};

Deno.test("every column type round-trips exactly, nulls included, across chunk boundaries", async () => {
  const texts = [
    "",
    "short",
    "exactly12byt",
    "thirteen byte",
    "ééééééé",
    "ü-inline",
    "nul\0inside",
    "a\0",
    "https://www.glamira.de/glamira-ring-100263.html?alloy=white-585",
    "日本語のテキスト",
    "😀",
  ];
  const rows: Cell[][] = [];
  const count = CHUNK_ROWS * 2 + 17;
  for (let r = 0; r < count; r++) {
    const nullRow = r % 7 === 3;
    rows.push([
      nullRow ? null : texts[r % texts.length] ?? null,
      nullRow ? null : (r % 2 === 0 ? r : -r) * 1000,
      nullRow ? null : r % 3 === 0 ? -(2 ** 53 - 1) + r : 2 ** 40 + r,
      nullRow ? null : r / 3,
      nullRow ? null : r % 2 === 0,
      nullRow ? null : r % 5 === 0 ? [] : [String(r), texts[r % texts.length] ?? ""],
      nullRow ? null : 1_591_000_000_123 + r,
    ]);
  }
  const back = await roundTrip(columnsOf(rows), count);
  assert.equal(back.length, count);
  for (let r = 0; r < count; r++) {
    const expected = rows[r]!.map((v, c) =>
      (c === 2 || c === 6) && v !== null ? BigInt(v as number) : v
    );
    assert.deepEqual(back[r], expected, `row ${r}`);
  }
});

Deno.test("a cell of the wrong type names the column and row", async () => {
  const rows: Cell[][] = [["ok", 1, 1, 1, true, [], 0], ["ok", "2", 1, 1, true, [], 0]];
  await assert.rejects(
    () => roundTrip(columnsOf(rows), 2),
    (e: unknown) =>
      e instanceof TypeError && /column i: row 1 holds "2", expected a 32-bit/.test(e.message),
  );
});

Deno.test("nested lists of structs append as real LIST/STRUCT values across chunk boundaries", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const type = duckdbStructListSql(CART_PRODUCT_LIST);
    await connection.run(`CREATE TABLE n (k INTEGER, cart ${type})`);
    const count = CHUNK_ROWS * 2 + 5;
    const carts: Cell[] = [];
    for (let r = 0; r < count; r++) {
      carts.push(
        r % 9 === 4 ? null : r % 9 === 5 ? [] : Array.from({ length: (r % 4) + 1 }, (_, i) => ({
          amount: r * 10 + i,
          product_id: 2 ** 40 + r,
          ...(i % 2 === 0 ? { currency: i === 0 ? "€" : "long currency text with ü" } : {}),
          ...(i === 1 ? { extra: '{"option":"Weißgold 585"}' } : {}),
          ...(i === 2 ? { option: [{ option_id: -r, value_label: "Weißgold 585" }, {}] } : {}),
        })),
      );
    }
    const appender = await connection.createAppender("n");
    appendColumns(appender, [
      { name: "k", type: "INTEGER", cells: carts.map((_, r) => r) },
      { name: "cart", type: "CART_PRODUCT[]", cells: carts },
    ], count);
    appender.closeSync();
    const back = (await connection.runAndReadAll("SELECT to_json(cart) FROM n ORDER BY k"))
      .getRowsJS().map(([json]) => json === null ? null : JSON.parse(String(json)));
    const full = (cart: Cell) =>
      !Array.isArray(cart) ? null : cart.map((line) => {
        const l = line as Record<string, unknown>;
        return {
          amount: l.amount,
          currency: l.currency ?? null,
          option: Array.isArray(l.option)
            ? l.option.map((o: Record<string, unknown>) => ({
              option_id: o.option_id ?? null,
              option_label: null,
              value_id: null,
              value_label: o.value_label ?? null,
              extra: null,
            }))
            : null,
          price: null,
          product_id: l.product_id,
          extra: l.extra ?? null,
        };
      });
    assert.deepEqual(back, carts.map(full));
    const [[total]] = (await connection.runAndReadAll(
      "SELECT sum(cp.amount) FROM n, UNNEST(cart) AS u(cp)",
    )).getRowsJS() as [[bigint]];
    const expected = carts.reduce(
      (n: number, cart) =>
        n +
        (Array.isArray(cart)
          ? cart.reduce((m, l) => m + Number((l as { amount: number }).amount), 0)
          : 0),
      0,
    );
    assert.equal(total, BigInt(expected));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test("a nested cell of the wrong shape names the column and member", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(`CREATE TABLE n (cart ${duckdbStructListSql(CART_PRODUCT_LIST)})`);
    const appender = await connection.createAppender("n");
    assert.throws(
      () =>
        appendColumns(appender, [
          { name: "cart", type: "CART_PRODUCT[]", cells: [[{ amount: "2" }]] },
        ], 1),
      (e: unknown) => e instanceof TypeError && /cart .*\.amount\[0\].*"2"/.test(e.message),
    );
    appender.clear();
    appender.closeSync();
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});
