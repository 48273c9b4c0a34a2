import assert from "node:assert/strict";
import { type Cell, type RowBatch, STAGING_COLUMNS } from "./staging_columns.ts";
import {
  concatRows,
  emptyRows,
  isPackedRows,
  packedOf,
  packRows,
  rowsTransferables,
  unpackRows,
  viewOf,
} from "./packed_rows.ts";
import { cellAt } from "./column_view.ts";
import { misfitsOf, sectionOf, VALUES } from "./column_codec.ts";

function rows(from: number, count: number): RowBatch {
  return {
    rowCount: count,
    columns: STAGING_COLUMNS.map((spec, col): Cell[] =>
      Array.from({ length: count }, (_, i) => {
        const n = from + i;
        if (n % 7 === 6) return null;
        switch (spec.type) {
          case "VARCHAR[]":
            return n % 3 === 0 ? [] : [`p${n}`, `q"${col}`, "ü\u{1F600}"];
          case "BOOLEAN":
            return n % 2 === 0;
          case "OPTION[]":
            return n % 4 === 0 ? [] : [{ "category id": `c"${n}` }];
          case "CART_PRODUCT[]":
            return [{ amount: n, option: [{ value_id: -n - 1, extra: '{"é":1}' }] }];
          case "VARCHAR":
            return n % 5 === 0 ? "" : n % 2 === 0 ? `v${n}\n"é"` : `ascii ${n} ${"x".repeat(n)}`;
          case "DOUBLE":
            return n * 1.5 - 0.25;
          case "INTEGER":
            return n - 3;
          case "BIGINT":
            return n % 2 === 0 ? 2 ** 53 - 1 - n : -(2 ** 40) - n;
        }
      })
    ),
  };
}

/** The batch with plain arrays (unpacked columns decode on first access, through getters). */
const plain = (batch: RowBatch): RowBatch => ({
  rowCount: batch.rowCount,
  columns: batch.columns.map((c) => [...c]),
});

Deno.test("packed rows unpack to the same cells, text with quotes, newlines, emoji and nested lists included", () => {
  const batch = rows(0, 29);
  const packed = packRows(batch);
  assert.ok(isPackedRows(structuredClone(packed)));
  assert.deepEqual(plain(unpackRows(structuredClone(packed))), batch);
});

Deno.test("concatenated packed rows equal the rows of all parts in order, empty parts skipped", () => {
  const joined = concatRows([packRows(rows(0, 3)), emptyRows(), packRows(rows(3, 13))]);
  assert.equal(joined.rowCount, 16);
  assert.deepEqual(plain(unpackRows(joined)), rows(0, 16));
  const many = concatRows([5, 8, 1, 17, 3].map((n, i) => packRows(rows(i * 40, n))));
  assert.deepEqual(
    plain(unpackRows(many)).columns[1],
    [5, 8, 1, 17, 3].flatMap((n, i) => rows(i * 40, n).columns[1]),
  );
  assert.deepEqual(plain(unpackRows(concatRows([emptyRows(), emptyRows()]))), {
    rowCount: 0,
    columns: STAGING_COLUMNS.map(() => []),
  });
});

Deno.test("a cell that does not fit its column is packed null with a field problem on its row, and counted", () => {
  const batch = rows(0, 3);
  const at = (name: string) => STAGING_COLUMNS.findIndex((c) => c.name === name);
  const columns = batch.columns.map((c) => [...c]);
  columns[at("order_id")]![1] = 2 ** 53;
  columns[at("is_paypal")]![1] = "yes";
  const packed = packRows({ rowCount: 3, columns });
  assert.equal(misfitsOf(packed.bytes), 2, "the header counts the cells left null");
  assert.equal(misfitsOf(concatRows([packed, packRows(rows(3, 2)), packed]).bytes), 4);
  const got = unpackRows(packed);
  assert.equal(got.columns[at("order_id")]![1], null);
  assert.equal(got.columns[at("is_paypal")]![1], null);
  assert.deepEqual(got.columns[at("field_problems")]![1], [
    "p1",
    `q"5`,
    "ü\u{1F600}",
    "order_id: 9007199254740992 is not an integer JavaScript can hold exactly (|n| < 2^53); left null",
    'is_paypal: "yes" is not true or false; left null',
  ]);
});

Deno.test("a buffer whose directory does not fit is refused by the guard, and text that does not fit names its column on read", () => {
  const packed = packRows(rows(0, 2));
  assert.equal(isPackedRows({ ...packed, rowCount: 3 }), false);
  assert.equal(isPackedRows({ rowCount: 2, bytes: packed.bytes.slice(0, 100) }), false);
  const bytes = packed.bytes.slice();
  const damaged = { rowCount: 2, bytes };
  // The first text byte of _topic (column 0) becomes a stray continuation byte.
  const topic = unpackRows(packed).columns[0];
  const text = new TextEncoder().encode("ascii 1 x");
  const at = bytes.findIndex((_, i) => text.every((b, k) => bytes[i + k] === b));
  bytes[at] = 0x80;
  assert.ok(isPackedRows(damaged));
  assert.deepEqual(topic, ["", `ascii 1 x`]);
  assert.throws(() => unpackRows(damaged).columns[0], /Packed column _topic is malformed/);
});

Deno.test("a boolean byte other than 0 or 1 names its column on read", () => {
  const c = STAGING_COLUMNS.findIndex((spec) => spec.name === "is_paypal");
  for (const bad of [2, 0x80, 0xff]) {
    const packed = packRows(rows(0, 21));
    const [at] = sectionOf(packed.bytes, c, VALUES);
    packed.bytes[at + 20] = bad;
    assert.throws(() => viewOf(packed, c), /Packed column is_paypal is malformed: a boolean byte/);
  }
  const packed = packRows(rows(0, 21));
  assert.deepEqual(unpackRows(packed).columns[c], rows(0, 21).columns[c]);
});

Deno.test("packed rows cross a port as one transferred buffer and arrive whole", async () => {
  const batch = rows(0, 5);
  const packed = packRows(batch);
  const { port1, port2 } = new MessageChannel();
  const received = new Promise<unknown>((resolve) => port2.onmessage = (e) => resolve(e.data));
  port1.postMessage(packed, rowsTransferables(packed));
  const got = await received;
  port1.close();
  port2.close();
  assert.equal(packed.bytes.byteLength, 0); // moved, not copied
  assert.ok(isPackedRows(got));
  assert.deepEqual(plain(unpackRows(got)), batch);
});

Deno.test("unpacked rows name their packed source until a column is replaced", () => {
  const packed = packRows(rows(0, 4));
  const unpacked = unpackRows(packed);
  assert.equal(packedOf(unpacked), packed);
  assert.equal(packedOf({ ...unpacked }), undefined);
  assert.equal(packedOf({ rowCount: 4, columns: [...unpacked.columns] }), undefined);
});

Deno.test("one cell read alone equals the same cell of the decoded column, in every column", () => {
  const batch = rows(0, 23);
  const packed = packRows(batch);
  STAGING_COLUMNS.forEach((_, c) => {
    const view = viewOf(packed, c);
    const alone = Array.from({ length: 23 }, (_, row) => cellAt(view, row));
    assert.deepEqual(alone, batch.columns[c]);
  });
});

Deno.test("a batch packed after a larger one holds only its own cells, and the earlier buffer is left as it was", () => {
  const large = packRows(rows(0, 600));
  const before = large.bytes.slice();
  const small = packRows(rows(1000, 9));
  assert.deepEqual(plain(unpackRows(small)), rows(1000, 9));
  assert.deepEqual(large.bytes, before);
  assert.deepEqual(plain(unpackRows(large)), rows(0, 600));
});

Deno.test("option elements with text beyond ASCII and absent members pack as records; a misfit element leaves its cell null", () => {
  const at = STAGING_COLUMNS.findIndex((c) => c.name === "option");
  const problems = STAGING_COLUMNS.findIndex((c) => c.name === "field_problems");
  const batch = rows(0, 4);
  const columns = batch.columns.map((c) => [...c]);
  columns[at] = [
    [{ option_label: "Größe 😀", value_label: "\u{1F600}x" }, { alloy: "" }],
    [{ alloy: "585" }],
    [{ alloy: 585 }],
    [],
  ];
  const got = plain(unpackRows(packRows({ rowCount: 4, columns })));
  assert.deepEqual(got.columns[at], [columns[at]![0], [{ alloy: "585" }], null, []]);
  assert.match(String(got.columns[problems]![2]), /option: \[\{"alloy":585\}\] is not a list/);
});

Deno.test("a batch larger than the output kept between batches packs whole, and the next one still packs", () => {
  const batch = rows(0, 3);
  const text = STAGING_COLUMNS.findIndex((c) => c.type === "VARCHAR");
  const columns = batch.columns.map((c) => [...c]);
  columns[text]![1] = "é".repeat(5_000_000); // 10 MB of UTF-8, past the 8 MiB kept
  const big = { rowCount: 3, columns };
  assert.deepEqual(plain(unpackRows(packRows(big))), big);
  assert.deepEqual(plain(unpackRows(packRows(rows(5, 4)))), rows(5, 4));
});

Deno.test("a lone surrogate at the end of one value never pairs with the start of the next, in text and option members", () => {
  const text = STAGING_COLUMNS.findIndex((c) => c.type === "VARCHAR");
  const option = STAGING_COLUMNS.findIndex((c) => c.name === "option");
  const batch = rows(0, 3);
  const columns = batch.columns.map((c) => [...c]);
  columns[text] = ["a\uD83D", "\uDE00b", "ü\u{1F600}"];
  columns[option] = [
    [{ alloy: "x\uD83D", diamond: "\uDE00y" }],
    [{ alloy: "Weißgold \u{1F600}" }, { stone: "\uDE00" }],
    [{ value_label: "é" }],
  ];
  const got = plain(unpackRows(packRows({ rowCount: 3, columns })));
  assert.deepEqual(got.columns[text], ["a\uFFFD", "\uFFFDb", "ü\u{1F600}"]);
  assert.deepEqual(got.columns[option], [
    [{ alloy: "x\uFFFD", diamond: "\uFFFDy" }],
    [{ alloy: "Weißgold \u{1F600}" }, { stone: "\uFFFD" }],
    [{ value_label: "é" }],
  ]);
});
