/**
 * The Bronze contract (`BRONZE_CONTRACT.md`) as the fixture writes it: the staging columns of
 * `messages/staging_columns.ts` with `option` and `cart_products` as nested lists of structs,
 * `order_id` BIGINT and `utm_*` BOOLEAN, plus `_ingested_at` and `_offset_epoch` (the partition's
 * watermark epoch, as the writer's staging table has it); and one staged row turned into that
 * shape. Issue 14 makes the pipeline export this; until then only the fixture does.
 */
import { isRecord } from "../../actors/runtime/guards.ts";
import { type Cell, STAGING_COLUMNS } from "../../messages/staging_columns.ts";

/** Keys of a top-level option element, in the contract's (alphabetical, Spark) order. */
export const OPTION_KEYS = [
  "Kollektion",
  "alloy",
  "category id",
  "diamond",
  "finish",
  "kollektion_id",
  "option_id",
  "option_label",
  "pearlcolor",
  "price",
  "quality",
  "quality_label",
  "shapediamond",
  "stone",
  "value_id",
  "value_label",
] as const;

const q = (name: string) => `"${name}"`;
const OPTION_TYPE = `STRUCT(${
  OPTION_KEYS.map((k) => `${q(k)} VARCHAR`).join(", ")
}, extra VARCHAR)[]`;
const CART_TYPE = "STRUCT(amount BIGINT, currency VARCHAR, option STRUCT(option_id BIGINT, " +
  "option_label VARCHAR, value_id BIGINT, value_label VARCHAR, extra VARCHAR)[], " +
  "price VARCHAR, product_id BIGINT, extra VARCHAR)[]";

const CHANGED: Readonly<Record<string, string>> = {
  option: OPTION_TYPE,
  cart_products: CART_TYPE,
  order_id: "BIGINT",
  utm_source: "BOOLEAN",
  utm_medium: "BOOLEAN",
};

/** The Bronze `summary` columns with their DuckDB types, in order. */
export const BRONZE_COLUMNS: readonly { name: string; type: string }[] = [
  ...STAGING_COLUMNS.map((c) => ({ name: c.name, type: CHANGED[c.name] ?? c.type })),
  { name: "_ingested_at", type: "TIMESTAMPTZ" },
  { name: "_offset_epoch", type: "INTEGER" },
];

/** A Bronze row as JSON-ready plain data (nested values as arrays and objects). */
export type BronzeRow = Record<string, unknown>;

const text = (value: unknown): string | null =>
  value === undefined || value === null
    ? null
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value);

const bigint = (value: unknown): number | null => {
  const n = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  return typeof n === "number" && Number.isSafeInteger(n) ? n : null;
};

/** Splits `item` into the known `keys` (as converted by `convert`) and `extra` JSON text. */
function struct<K extends string>(
  item: Record<string, unknown>,
  keys: readonly K[],
  convert: (key: K, value: unknown) => unknown,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = convert(key, item[key]);
  const rest = Object.entries(item).filter(([key]) => !(keys as readonly string[]).includes(key));
  out.extra = rest.length === 0 ? null : JSON.stringify(Object.fromEntries(rest));
  return out;
}

function optionList(json: Cell): unknown[] | null {
  if (typeof json !== "string") return null;
  const parsed: unknown = JSON.parse(json);
  const items = Array.isArray(parsed) ? parsed : [parsed];
  return items.filter(isRecord).map((item) => struct(item, OPTION_KEYS, (_, v) => text(v)));
}

const CART_OPTION_KEYS = ["option_id", "option_label", "value_id", "value_label"] as const;
const CART_KEYS = ["amount", "currency", "option", "price", "product_id"] as const;

function cartList(json: Cell, problems: string[]): unknown[] | null {
  if (typeof json !== "string") return null;
  const parsed: unknown = JSON.parse(json);
  if (!Array.isArray(parsed)) return null;
  return parsed.filter(isRecord).map((item, i) => {
    const out = struct(item, CART_KEYS, (key, value) => {
      if (key === "amount" || key === "product_id") return bigint(value);
      if (key !== "option") return text(value);
      if (!Array.isArray(value)) return null;
      return value.filter(isRecord).map((o) =>
        struct(o, CART_OPTION_KEYS, (k, v) => k.endsWith("_id") ? bigint(v) : text(v))
      );
    });
    if (typeof item.option === "string") {
      problems.push(`cart_products[${i}].option: a string, kept in extra`);
      const extra: unknown = typeof out.extra === "string" ? JSON.parse(out.extra) : {};
      out.extra = JSON.stringify({ ...(isRecord(extra) ? extra : {}), option: item.option });
    }
    return out;
  });
}

function utm(name: string, sent: unknown, problems: string[]): boolean | null {
  if (typeof sent === "boolean") return sent;
  if (sent === "true" || sent === "false") return sent === "true";
  if (sent === undefined || sent === null || sent === "") return null;
  problems.push(`${name}: expected boolean, got ${JSON.stringify(sent)}; kept raw`);
  return null;
}

/**
 * The Bronze row of one staged row (`cells`, in `STAGING_COLUMNS` order) whose event as sent is
 * `sent` (for the utm flags, which staging keeps as text).
 */
export function bronzeRow(
  cells: readonly Cell[],
  sent: Record<string, unknown>,
  ingestedAtMs: number,
  offsetEpoch = 0,
): BronzeRow {
  const row: BronzeRow = {};
  STAGING_COLUMNS.forEach((c, i) => row[c.name] = cells[i] ?? null);
  const problems = Array.isArray(row.field_problems) ? [...row.field_problems] : [];
  row.option = optionList(cells[STAGING_COLUMNS.findIndex((c) => c.name === "option")] ?? null);
  row.cart_products = cartList(row.cart_products as Cell, problems);
  row.order_id = bigint(row.order_id);
  row.utm_source = utm("utm_source", sent.utm_source, problems);
  row.utm_medium = utm("utm_medium", sent.utm_medium, problems);
  row.field_problems = problems.length === 0 ? null : problems;
  row._ingested_at = new Date(ingestedAtMs).toISOString();
  row._offset_epoch = offsetEpoch;
  return row;
}
