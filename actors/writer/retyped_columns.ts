/**
 * Columns whose type changed since an older version (issue 14: `order_id` and `utm_*` were text,
 * `option` and `cart_products` JSON text), and one row's old values read again with the
 * enricher's own coercion, so a generation written before the change exports what a new one
 * would: the typed value, and where it does not fit a field problem with the raw value kept in
 * `extra`. Both warehouses use it: DuckDB converts at open, BigQuery on export.
 */

import { type Cell, NESTED_TYPES } from "../../messages/staging_columns.ts";
import { asBigint, asFlag } from "../enricher/field_coercion.ts";
import { structList } from "../enricher/nested_lists.ts";
import { isRecord, isStringArray } from "../runtime/guards.ts";

/** Columns an older version stored as text. */
export const RETYPED_COLUMNS: readonly string[] = [
  "order_id",
  "utm_source",
  "utm_medium",
  "option",
  "cart_products",
];

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
  json(original: unknown): string | null {
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
    case "option":
    case "cart_products": {
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
    default:
      throw new RangeError(`Column ${name} did not change type`);
  }
}

/** One row's retyped values, and its field problems and extra with what the reading added. */
export interface RetypedRow {
  readonly values: Cell[];
  readonly problems: string[] | null;
  readonly extra: string | null;
}

/**
 * Reads `texts[i]` (the old text of column `stale[i]`, or null) again; `oldProblems` and
 * `oldExtra` are the row's stored field problems and extra.
 */
export function retypeRow(
  stale: readonly string[],
  texts: readonly unknown[],
  oldProblems: unknown,
  oldExtra: unknown,
): RetypedRow {
  const problems = isStringArray(oldProblems) ? [...oldProblems] : [];
  const extra = new RowExtra(oldExtra);
  const values = stale.map((name, i) => {
    const text = texts[i];
    return typeof text === "string" ? reread(name, text, problems, extra) : null;
  });
  return { values, problems: problems.length > 0 ? problems : null, extra: extra.json(oldExtra) };
}
