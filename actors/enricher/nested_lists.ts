/**
 * The nested columns `option` and `cart_products` coerced to their declared lists of structs
 * (messages/nested_columns.ts), cleaned as the original did (empty values and entries dropped),
 * without losing what was sent:
 * - an object where a list is expected becomes a one-element list (listing pages send `option`
 *   as one object); numbers as text become integers where a member is BIGINT ("12" -> 12) and
 *   numbers become text where it is VARCHAR;
 * - keys the original did not declare ("stone 2", "Category Id") go into the element's `extra`
 *   (JSON object text) as sent;
 * - a value that fits no declared type (a cart line's `option` given as a string, an amount of
 *   "two") is left null with a field problem and kept under its own key in the `extra` of the
 *   level it was sent at: the element's `extra`, or for the column itself the row's `extra`.
 */

import { isRecord } from "../runtime/guards.ts";
import {
  CART_PRODUCT_LIST,
  EXTRA_FIELD,
  type NestedElement,
  type NestedField,
  type NestedList,
  OPTION_LIST,
  type StructList,
} from "../../messages/nested_columns.ts";
import { integerDigits, preview, type Problems } from "./field_coercion.ts";
import { cleanJson } from "./clean_json.ts";

/** Where values that fit no declared type are kept, under their key. */
export interface Misfits {
  add(key: string, value: unknown): void;
}

/** Members of each list by name (the lists are few and fixed). */
const membersOf = new Map<StructList, ReadonlyMap<string, NestedField>>();
function members(list: StructList): ReadonlyMap<string, NestedField> {
  let byName = membersOf.get(list);
  if (byName === undefined) {
    // `extra` is not a key a producer can fill: one sent under that name is kept in extra.
    byName = new Map(list.fields.filter((f) => f.name !== EXTRA_FIELD).map((f) => [f.name, f]));
    membersOf.set(list, byName);
  }
  return byName;
}

/** Collects one element's `extra` keys as JSON pieces (a `__proto__` key stays a plain key). */
class ElementExtra implements Misfits {
  readonly #pieces: string[] = [];
  add(key: string, value: unknown): void {
    this.#pieces.push(`${JSON.stringify(key)}:${JSON.stringify(value)}`);
  }
  json(): string | null {
    return this.#pieces.length === 0 ? null : `{${this.#pieces.join(",")}}`;
  }
}

/** A value cleaned (`clean_json.ts`); scalars are checked without a call. */
function cleaned(value: unknown): unknown {
  if (value === null || value === undefined || value === "") return undefined;
  return typeof value === "object" ? cleanJson(value) : value;
}

type Member = string | number | NestedElement[];

/** `${parent}[${i}].${key}`: made only when a problem names it (not once per member). */
const pathOf = (parent: string, i: number, key: string) => `${parent}[${i}].${key}`;

function member(
  parent: string,
  i: number,
  field: NestedField,
  value: unknown,
  problems: Problems,
  extra: Misfits,
): Member | null {
  if (field.type === "VARCHAR") {
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
  } else if (field.type === "BIGINT") {
    const digits = integerDigits(value);
    const number = digits === null ? NaN : Number(digits);
    if (Number.isSafeInteger(number)) return number;
  } else {
    const path = pathOf(parent, i, field.name);
    return structList(path, value, field.type, problems, extra, field.name);
  }
  problems.push(
    `${pathOf(parent, i, field.name)}: expected ${
      field.type === "BIGINT" ? "integer" : "text"
    }, got ${preview(value)}; kept in extra`,
  );
  extra.add(field.name, value);
  return null;
}

/**
 * The element of `item`, item `i` of the list at `parent` (sent as is: cleaned here, member by
 * member); null when it is empty.
 */
function element(
  parent: string,
  i: number,
  item: Record<string, unknown>,
  list: StructList,
  problems: Problems,
): NestedElement | null {
  const byName = members(list);
  const out: Record<string, Member> = {};
  let extra: ElementExtra | undefined;
  let kept = 0;
  for (const key in item) {
    if (!Object.hasOwn(item, key)) continue;
    // JSON.parse makes "__proto__" an own key; reading it with [] would give the prototype.
    const sent: unknown = key === "__proto__"
      ? Object.getOwnPropertyDescriptor(item, key)?.value
      : item[key];
    const value = cleaned(sent);
    if (value === undefined) continue;
    kept++;
    const field = byName.get(key);
    if (field === undefined) {
      (extra ??= new ElementExtra()).add(key, value);
      continue;
    }
    const coerced = member(parent, i, field, value, problems, extra ??= new ElementExtra());
    if (coerced !== null) out[key] = coerced;
  }
  if (kept === 0) return null;
  const extraJson = extra?.json() ?? null;
  if (extraJson !== null) out[EXTRA_FIELD] = extraJson;
  return out;
}

/**
 * `value` as a list of `list`'s elements, cleaned; null when nothing is left. A value that is
 * neither a list nor an object, and list items that are not objects, go to `misfits` under
 * `key` (`key[i]` for an item) with a problem.
 */
export function structList(
  path: string,
  value: unknown,
  list: StructList,
  problems: Problems,
  misfits: Misfits,
  key: string,
): NestedList | null {
  if (isRecord(value)) {
    const one = element(path, 0, value, list, problems);
    return one === null ? null : [one];
  }
  if (!Array.isArray(value)) {
    const kept = cleaned(value);
    if (kept === undefined) return null;
    problems.push(`${path}: expected a list of objects, got ${preview(value)}; kept in extra`);
    misfits.add(key, kept);
    return null;
  }
  const out: NestedElement[] = [];
  // Positions are those sent (empty items included), so a problem names the item sent.
  value.forEach((item: unknown, i) => {
    if (isRecord(item)) {
      const one = element(path, i, item, list, problems);
      if (one !== null) out.push(one);
      return;
    }
    const kept = cleaned(item);
    if (kept === undefined) return;
    problems.push(`${path}[${i}]: expected object, got ${preview(item)}; kept in extra`);
    misfits.add(`${key}[${i}]`, kept);
  });
  return out.length === 0 ? null : out;
}

/** `option` as its list; the row's `extra` keeps what does not fit. */
export function optionList(value: unknown, problems: Problems, misfits: Misfits) {
  return structList("option", value, OPTION_LIST, problems, misfits, "option");
}

/**
 * `cart_products` as its list; valid product ids are appended to `productIds`, once each, in
 * order (a Set: a cart of 50,000 ids took 4.2 s with includes()).
 */
export function cartProductList(
  value: unknown,
  problems: Problems,
  misfits: Misfits,
  productIds: string[],
): NestedList | null {
  const lines = structList(
    "cart_products",
    value,
    CART_PRODUCT_LIST,
    problems,
    misfits,
    "cart_products",
  );
  if (lines === null) return null;
  const seen = new Set(productIds);
  for (const line of lines) {
    const id = line.product_id;
    if (typeof id !== "number") continue;
    const digits = String(id);
    if (seen.has(digits)) continue;
    seen.add(digits);
    productIds.push(digits);
  }
  return lines;
}
