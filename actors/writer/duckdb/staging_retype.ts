/**
 * Values of columns whose type changed since an older version (issue 14: `order_id` and `utm_*`
 * were text, `option` and `cart_products` JSON text), read again with the enricher's own
 * coercion, so a generation written before the change holds what a new one would: the typed
 * value, a field problem and the raw value in `extra` where it does not fit. The converted
 * values go into a temporary table keyed by the old row's rowid, which the staging rebuild joins.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { type Cell, NESTED_TYPES } from "../../../messages/staging_columns.ts";
import { asBigint, asFlag } from "../../enricher/field_coercion.ts";
import { structList } from "../../enricher/nested_lists.ts";
import { isRecord, isStringArray } from "../../runtime/guards.ts";
import { duckdbTypeSql, STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";

/** Columns an older version stored as text, by their name. */
export const RETYPED_COLUMNS = ["order_id", "utm_source", "utm_medium", "option", "cart_products"];

/** Name of the temporary table of converted values. */
export const RETYPED_TABLE = "staging_retyped";

/** Collects a row's misfits into its `extra` object (keys already there win: they came first). */
class RowExtra {
  readonly #object: Record<string, unknown>;
  #changed = false;
  constructor(json: unknown) {
    const parsed: unknown = typeof json === "string" ? JSON.parse(json) : null;
    this.#object = isRecord(parsed) ? parsed : {};
  }
  add(key: string, value: unknown): void {
    if (Object.hasOwn(this.#object, key)) return;
    Object.defineProperty(this.#object, key, { value, enumerable: true, writable: true });
    this.#changed = true;
  }
  json(original: unknown): Cell {
    if (!this.#changed) return typeof original === "string" ? original : null;
    return JSON.stringify(this.#object);
  }
}

function reread(name: string, text: string, problems: string[], extra: RowExtra): Cell {
  switch (name) {
    case "order_id":
      return asBigint(name, text, problems, extra);
    case "utm_source":
    case "utm_medium":
      return asFlag(name, text, problems, extra);
    default: {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (error: unknown) {
        if (!(error instanceof SyntaxError)) throw error;
        problems.push(`${name}: stored text is not JSON; kept in extra`);
        extra.add(name, text);
        return null;
      }
      const list = name === "option" ? NESTED_TYPES["OPTION[]"] : NESTED_TYPES["CART_PRODUCT[]"];
      return structList(name, parsed, list, problems, extra, name);
    }
  }
}

/**
 * Converts the `stale` columns of `table` into `RETYPED_TABLE` (rid, the columns, field_problems,
 * extra); returns the rows converted. Run inside the rebuild's transaction.
 */
export async function convertStaleColumns(
  connection: DuckDBConnection,
  table: string,
  stale: readonly string[],
): Promise<number> {
  const quoted = stale.map((name) => `"${name}"`).join(", ");
  const rows = (await connection.runAndReadAll(
    `SELECT rowid, ${quoted}, field_problems, extra FROM ${table}`,
  )).getRowsJS();
  const rid: Cell[] = [];
  const converted: Cell[][] = stale.map(() => []);
  const problemsColumn: Cell[] = [];
  const extraColumn: Cell[] = [];
  for (const row of rows) {
    const [id, ...rest] = row;
    const oldProblems = rest[stale.length];
    const oldExtra = rest[stale.length + 1];
    const problems = isStringArray(oldProblems) ? [...oldProblems] : [];
    const extra = new RowExtra(oldExtra);
    stale.forEach((name, i) => {
      const value = rest[i];
      converted[i]?.push(typeof value === "string" ? reread(name, value, problems, extra) : null);
    });
    rid.push(Number(id));
    problemsColumn.push(problems.length > 0 ? problems : null);
    extraColumn.push(extra.json(oldExtra));
  }
  const members = stale.map((name) => `"${name}" ${duckdbTypeSql(stagingType(name))}`)
    .join(", ");
  await connection.run(
    `CREATE TEMP TABLE ${RETYPED_TABLE} (rid BIGINT, ${members}, field_problems VARCHAR[], ` +
      `extra VARCHAR)`,
  );
  const appender = await connection.createAppender(RETYPED_TABLE);
  const columns: ChunkColumn[] = [
    { name: "rid", type: "BIGINT", cells: rid },
    ...stale.map((name, i): ChunkColumn => ({
      name,
      type: stagingType(name),
      cells: converted[i] ?? [],
    })),
    { name: "field_problems", type: "VARCHAR[]", cells: problemsColumn },
    { name: "extra", type: "VARCHAR", cells: extraColumn },
  ];
  try {
    appendColumns(appender, columns, rows.length);
  } catch (error: unknown) {
    appender.clear();
    appender.closeSync();
    throw error;
  }
  appender.closeSync();
  return rows.length;
}

function stagingType(name: string): TableColumnType {
  const type = STAGING_TABLE_COLUMNS.find((c) => c.name === name)?.type;
  if (type === undefined) throw new RangeError(`No staging column is named ${name}`);
  return type;
}
