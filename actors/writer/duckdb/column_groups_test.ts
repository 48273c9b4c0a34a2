import assert from "node:assert/strict";
import { STAGING_COLUMNS } from "../../../messages/staging_columns.ts";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { COLUMN_GROUPS, columnsWithout, parseGroups } from "./column_groups.ts";

Deno.test("every column a group names is a staging column, and no column is in two groups", () => {
  const names = new Set<string>(STAGING_COLUMNS.map((c) => c.name));
  const grouped = Object.values(COLUMN_GROUPS).flat();
  assert.deepEqual(grouped.filter((name) => !names.has(name)), []);
  assert.deepEqual(new Set(grouped).size, grouped.length);
});

Deno.test("the ua group leaves out the raw string and its 15 derived fields, keeping the key", () => {
  const kept = columnsWithout(["ua"]).map((c) => c.name);
  assert.deepEqual(STAGING_TABLE_COLUMNS.length - kept.length, 16);
  assert.deepEqual(kept.includes("user_agent_id"), true);
  assert.deepEqual(kept.includes("user_agent"), false);
  assert.deepEqual(kept.includes("ua_is_bot_strict"), false);
});

Deno.test("columns without groups keep the table's order and the key", () => {
  const kept = columnsWithout(["geo", "kafka"]).map((c) => c.name);
  const expected = STAGING_TABLE_COLUMNS.map((c) => c.name).filter((name) =>
    name !== "_topic" && !(COLUMN_GROUPS.geo as readonly string[]).includes(name)
  );
  assert.deepEqual(kept, expected);
  for (const key of ["_partition", "_offset", "_offset_epoch"]) {
    assert.deepEqual(kept.includes(key), true);
  }
});

Deno.test("no groups keep every staging column", () => {
  assert.deepEqual(columnsWithout([]), [...STAGING_TABLE_COLUMNS]);
});

Deno.test("group lists parse comma-separated, once each, and an unknown name says the known ones", () => {
  assert.deepEqual(parseGroups("ua, geo,ua"), ["ua", "geo"]);
  assert.deepEqual(parseGroups(""), []);
  assert.throws(() => parseGroups("ua,colour"), /use ua, geo, urls, nested, kafka/);
});
