import assert from "node:assert/strict";
import { SETTINGS } from "../../config/settings.ts";
import { settingsTable, TABLE_END, TABLE_START, withSettingsTable } from "./settings_table.ts";

Deno.test("the README's configuration table is the one config/settings.ts generates (run `deno task docs` when this fails)", async () => {
  const readme = await Deno.readTextFile(new URL("../../README.md", import.meta.url));
  assert.equal(readme, withSettingsTable(readme));
});

Deno.test("the generated table has one row per setting, in declaration order, with its default", () => {
  const rows = settingsTable().split("\n").slice(2);
  assert.deepEqual(
    rows.map((r) => /^\| `([A-Z_0-9]+)`/.exec(r)?.[1]),
    Object.values(SETTINGS).map((s) => s.key),
  );
  assert.match(rows.find((r) => r.startsWith("| `STOP_DEADLINE_MS`")) ?? "", /\| `30000` +\|/);
  assert.match(rows.find((r) => r.startsWith("| `KAFKA_BROKERS`")) ?? "", /\| unset +\|/);
});

Deno.test("a README without the table's markers is refused, naming them", () => {
  assert.throws(
    () => withSettingsTable("# no table here\n"),
    (e: unknown) =>
      e instanceof Error && e.message.includes(TABLE_START) && e.message.includes(TABLE_END),
  );
});
