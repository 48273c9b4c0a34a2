import assert from "node:assert/strict";
import {
  cellProblem,
  HEADER_WORDS,
  layoutProblem,
  MAGIC,
  SECTIONS,
  VALUES,
} from "./column_codec.ts";
import { encodeRows } from "./column_encoder.ts";
import { STAGING_COLUMNS } from "./staging_columns.ts";

const empty = () => ({ rowCount: 0, columns: STAGING_COLUMNS.map(() => []) });

Deno.test("a laid-out buffer starts with the magic number, its row and column counts, 8-byte aligned sections", () => {
  const bytes = encodeRows(empty());
  const words = new Uint32Array(bytes.buffer);
  assert.deepEqual([...words.subarray(0, 3)], [MAGIC, 0, STAGING_COLUMNS.length]);
  for (let e = HEADER_WORDS; e < HEADER_WORDS + STAGING_COLUMNS.length * SECTIONS * 2; e += 2) {
    assert.equal((words[e] ?? 1) % 8, 0);
  }
  assert.equal(layoutProblem(bytes, 0), null);
});

Deno.test("a directory naming a section past the buffer or of the wrong size is refused, naming the column", () => {
  const bytes = encodeRows({ rowCount: 1, columns: STAGING_COLUMNS.map(() => [null]) });
  const words = new Uint32Array(bytes.buffer);
  const partition = STAGING_COLUMNS.findIndex((c) => c.name === "_partition");
  const entry = HEADER_WORDS + (partition * SECTIONS + VALUES) * 2;
  assert.equal(layoutProblem(bytes, 1), null);
  words[entry + 1] = 8;
  assert.match(layoutProblem(bytes, 1) ?? "", /column _partition: section 1 holds 8 bytes, not 4/);
  words[entry] = bytes.byteLength;
  assert.match(layoutProblem(bytes, 1) ?? "", /column _partition: section 1 .* outside the buffer/);
  assert.match(layoutProblem(bytes, 2) ?? "", /holds 1 rows, not 2/);
  words[0] = 0;
  assert.match(layoutProblem(bytes, 1) ?? "", /magic number/);
});

Deno.test("each column type states what fits it: safe integers, 32-bit integers, text, lists of declared structs", () => {
  assert.equal(cellProblem(2 ** 53 - 1, "BIGINT", "order_id"), null);
  assert.match(cellProblem(2 ** 53, "BIGINT", "order_id") ?? "", /2\^53/);
  assert.match(cellProblem(2 ** 31, "INTEGER", "_partition") ?? "", /32-bit/);
  assert.match(cellProblem(1, "VARCHAR", "ip") ?? "", /not text/);
  assert.equal(cellProblem(null, "BOOLEAN", "is_bot"), null);
  assert.match(
    cellProblem([{ bogus: "x" }], "OPTION[]", "option") ?? "",
    /not a list of option elements \(\[0\] has an undeclared member bogus\)/,
  );
});
