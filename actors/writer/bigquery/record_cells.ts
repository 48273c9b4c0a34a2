/**
 * Nested cells read back from BigQuery: a REPEATED RECORD selected as `TO_JSON_STRING(column)`
 * (the emulator cannot return a record holding a repeated record as rows) becomes the lists of
 * plain objects the rest of the writer uses, members under their original names (`category_id`
 * -> `category id`) and INT64 as numbers. A struct nested in a record may come as a list of
 * one-member objects (the emulator's form); both forms are read.
 */

import type { NestedElement, NestedList, StructList } from "../../../messages/nested_columns.ts";
import { isRecord } from "../../runtime/guards.ts";
import { bigqueryName } from "./schema.ts";

function struct(value: unknown, where: string): Record<string, unknown> {
  if (isRecord(value)) return value;
  if (Array.isArray(value) && value.every(isRecord)) return Object.assign({}, ...value);
  throw new TypeError(`BigQuery ${where} is not a record: ${JSON.stringify(value).slice(0, 80)}`);
}

function elements(value: unknown, list: StructList, where: string): NestedList | null {
  if (value === null || value === undefined) return null;
  if (!Array.isArray(value)) throw new TypeError(`BigQuery ${where} is not a list`);
  if (value.length === 0) return null;
  return value.map((item, i) => {
    const record = struct(item, `${where}[${i}]`);
    const out: Record<string, string | number | NestedElement[]> = {};
    for (const member of list.fields) {
      const v = record[bigqueryName(member.name)];
      if (v === null || v === undefined) continue;
      const at = `${where}[${i}].${member.name}`;
      if (member.type === "VARCHAR") {
        if (typeof v !== "string") throw new TypeError(`BigQuery ${at} is not text`);
        out[member.name] = v;
      } else if (member.type === "BIGINT") {
        const n = typeof v === "string" ? Number(v) : v;
        if (typeof n !== "number" || !Number.isSafeInteger(n)) {
          throw new TypeError(`BigQuery ${at} is not an integer`);
        }
        out[member.name] = n;
      } else {
        const inner = elements(v, member.type, at);
        if (inner !== null) out[member.name] = inner;
      }
    }
    return out;
  });
}

/** The nested cell of `TO_JSON_STRING(column)` text (null, or a JSON list of records). */
export function nestedCell(json: unknown, list: StructList, name: string): NestedList | null {
  if (json === null || json === undefined) return null;
  if (typeof json !== "string") throw new TypeError(`BigQuery ${name} JSON is not text`);
  return elements(JSON.parse(json), list, name);
}
