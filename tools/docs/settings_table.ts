/**
 * The README's configuration table, generated from `config/settings.ts` (every setting declared
 * once): `deno task docs` rewrites the table between its two markers in README.md, and a test
 * fails when the README's copy differs from what the settings say.
 */
import { type Setting, SETTINGS, type SettingValue } from "../../config/settings.ts";

/** The markers around the generated table in README.md. */
export const TABLE_START =
  "<!-- settings table: generated from config/settings.ts by `deno task docs` -->";
export const TABLE_END = "<!-- end of settings table -->";

/** How a setting's default reads in the table. */
function shownDefault(setting: Setting<SettingValue>): string {
  if (setting.shown !== undefined) return setting.shown;
  const value = setting.fallback;
  if (value === undefined) return "unset";
  return `\`${Array.isArray(value) ? value.join(",") : String(value)}\``;
}

/** Escapes what would end a table cell. */
const cell = (text: string) => text.replaceAll("|", "\\|");

/** The table as Markdown, padded as `deno fmt` pads it. */
export function settingsTable(): string {
  const rows = Object.values(SETTINGS).map((s: Setting<SettingValue>) => [
    `\`${s.key}\``,
    cell(shownDefault(s)),
    cell(s.doc),
  ]);
  const header = ["variable", "default", "meaning"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** `readme` with the text between the markers replaced by the generated table. */
export function withSettingsTable(readme: string): string {
  const start = readme.indexOf(TABLE_START);
  const end = readme.indexOf(TABLE_END);
  if (start < 0 || end < start) {
    throw new Error(
      `README.md has no settings table markers ("${TABLE_START}" ... "${TABLE_END}"): ` +
        "put them around the configuration table, then run `deno task docs` again",
    );
  }
  return `${readme.slice(0, start + TABLE_START.length)}\n\n${settingsTable()}\n\n${
    readme.slice(end)
  }`;
}

if (import.meta.main) {
  const path = new URL("../../README.md", import.meta.url);
  const before = await Deno.readTextFile(path);
  const after = withSettingsTable(before);
  if (after !== before) await Deno.writeTextFile(path, after);
  console.log(
    after === before
      ? "README.md: settings table up to date"
      : "README.md: settings table rewritten",
  );
}
