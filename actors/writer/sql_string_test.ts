import assert from "node:assert/strict";
import { sqlString } from "./sql_string.ts";

Deno.test("a string literal doubles its quotes and nothing else", () => {
  assert.equal(sqlString("/data/lake/it's"), "'/data/lake/it''s'");
  assert.equal(sqlString(""), "''");
  assert.equal(sqlString('a\\b"c'), "'a\\b\"c'");
});
