/**
 * The nested staging columns, declared once: `option` and `cart_products` as lists of structs
 * with the original's field names, member order and types (BRONZE_CONTRACT.md), each element
 * with an `extra` field holding, as JSON object text, the keys the original did not declare and
 * values that did not fit their field. Elements cross Workers as plain objects holding only
 * their present fields (an absent field is null), so the common four-key option costs four keys.
 */
import { isRecord } from "../actors/runtime/guards.ts";

/** A struct member's type: text, a 64-bit integer, or a list of structs. */
export type NestedFieldType = "VARCHAR" | "BIGINT" | StructList;

/** One struct member. */
export interface NestedField {
  readonly name: string;
  readonly type: NestedFieldType;
}

/** A list of structs with these members, in order. */
export interface StructList {
  readonly fields: readonly NestedField[];
}

/** One element of a nested list: its present members by name (absent: null). */
export interface NestedElement {
  readonly [field: string]: string | number | NestedElement[];
}

/** A nested cell: a list of elements. */
export type NestedList = NestedElement[];

const text = (name: string): NestedField => ({ name, type: "VARCHAR" });
const int = (name: string): NestedField => ({ name, type: "BIGINT" });

/** Name of the member holding unknown keys and misfit values as JSON object text. */
export const EXTRA_FIELD = "extra";

/** `option` elements: 16 text members, as Spark wrote them (alphabetical), then `extra`. */
export const OPTION_LIST: StructList = {
  fields: [
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
    EXTRA_FIELD,
  ].map(text),
};

/** `cart_products[].option` elements. */
export const CART_OPTION_LIST: StructList = {
  fields: [int("option_id"), text("option_label"), int("value_id"), text("value_label")]
    .concat([text(EXTRA_FIELD)]),
};

/** `cart_products` elements. */
export const CART_PRODUCT_LIST: StructList = {
  fields: [
    int("amount"),
    text("currency"),
    { name: "option", type: CART_OPTION_LIST },
    text("price"),
    int("product_id"),
    text(EXTRA_FIELD),
  ],
};

/** Each list's members by name, made once (not a search of up to 17 members per key). */
const membersByName = new WeakMap<StructList, Map<string, NestedField>>();

function membersOf(list: StructList): Map<string, NestedField> {
  let members = membersByName.get(list);
  if (members === undefined) {
    members = new Map(list.fields.map((f) => [f.name, f]));
    membersByName.set(list, members);
  }
  return members;
}

/** Why `value` is not a list of `list`'s elements (path names the place), or null when it is. */
export function nestedListProblem(value: unknown, list: StructList, path = ""): string | null {
  if (!Array.isArray(value)) return `${path} is not a list`;
  const members = membersOf(list);
  for (let i = 0; i < value.length; i++) {
    const element: unknown = value[i];
    if (!isRecord(element)) return `${path}[${i}] is not an object`;
    for (const key in element) {
      const field = members.get(key);
      if (field === undefined) return `${path}[${i}] has an undeclared member ${key}`;
      const member = element[key];
      if (member === null) continue;
      if (field.type === "VARCHAR") {
        if (typeof member !== "string") return `${path}[${i}].${key} is not text`;
      } else if (field.type === "BIGINT") {
        if (!Number.isSafeInteger(member)) return `${path}[${i}].${key} is not a safe integer`;
      } else {
        const inner = nestedListProblem(member, field.type, `${path}[${i}].${key}`);
        if (inner !== null) return inner;
      }
    }
  }
  return null;
}

/** Whether `value` is a list of `list`'s elements (see `nestedListProblem`). */
export function isNestedList(value: unknown, list: StructList): value is NestedList {
  return nestedListProblem(value, list) === null;
}

/** DuckDB's spelling of a list of structs: `STRUCT("a" VARCHAR, ...)[]`. */
export function duckdbStructListSql(list: StructList): string {
  const members = list.fields.map((f) =>
    `"${f.name}" ${typeof f.type === "string" ? f.type : duckdbStructListSql(f.type)}`
  );
  return `STRUCT(${members.join(", ")})[]`;
}

/** Characters a nested value takes as JSON, about (strings counted as their length). */
export function nestedChars(value: NestedList): number {
  let chars = 2;
  for (const element of value) {
    chars += 3;
    for (const key in element) {
      const member = element[key];
      chars += key.length + 4 +
        (typeof member === "string"
          ? member.length
          : Array.isArray(member)
          ? nestedChars(member)
          : 20);
    }
  }
  return chars;
}
