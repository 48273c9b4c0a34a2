import assert from "node:assert/strict";
import { type Cell, type RowBatch, STAGING_COLUMNS } from "./staging_columns.ts";
import {
  concatRows,
  emptyRows,
  isPackedRows,
  packRows,
  rowsTransferables,
  unpackRows,
} from "./packed_rows.ts";

function rows(from: number, count: number): RowBatch {
  return {
    rowCount: count,
    columns: STAGING_COLUMNS.map((spec, col): Cell[] =>
      Array.from({ length: count }, (_, i) => {
        const n = from + i;
        if (spec.type === "VARCHAR[]") return n % 3 === 0 ? null : [`p${n}`, `q"${col}`];
        if (spec.type === "BOOLEAN") return n % 2 === 0;
        if (spec.type === "OPTION[]") return n % 4 === 0 ? null : [{ "category id": `c"${n}` }];
        if (spec.type === "CART_PRODUCT[]") {
          return n % 4 === 1 ? null : [{ amount: n, option: [{ value_id: n, extra: '{"é":1}' }] }];
        }
        if (spec.type === "VARCHAR") return n % 5 === 0 ? null : `v${n}\n"é"`;
        return n * 1.5;
      })
    ),
  };
}

Deno.test("packed rows unpack to the same cells, strings with quotes and newlines and nested lists included", () => {
  const batch = rows(0, 7);
  const packed = packRows(batch);
  assert.ok(isPackedRows(structuredClone(packed)));
  assert.deepEqual(unpackRows(structuredClone(packed)), batch);
});

Deno.test("concatenated packed rows equal the rows of all parts in order, empty parts skipped", () => {
  const joined = concatRows([packRows(rows(0, 3)), emptyRows(), packRows(rows(3, 4))]);
  assert.equal(joined.rowCount, 7);
  assert.deepEqual(unpackRows(joined), rows(0, 7));
  assert.deepEqual(unpackRows(concatRows([emptyRows(), emptyRows()])), {
    rowCount: 0,
    columns: STAGING_COLUMNS.map(() => []),
  });
});

Deno.test("a column that does not hold rowCount values is refused on unpack, named", () => {
  const packed = packRows(rows(0, 2));
  assert.throws(() => unpackRows({ ...packed, rowCount: 3 }), /Packed column _topic/);
});

Deno.test("packed rows cross a port as transferred buffers and arrive whole", async () => {
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
  assert.deepEqual(unpackRows(got), batch);
});
