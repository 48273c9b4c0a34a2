/**
 * Encodes a columnar batch as BigQuery streaming rows: one JSON object per row in the staging
 * table's field order, with `insertId = topic-partition-epoch-offset` (BigQuery drops a repeated
 * id within its dedupe window). Cells arrive storable (`value_limits.ts`); one of the wrong type
 * still throws `TypeError`: a bug upstream.
 */

import {
  type Cell,
  type ColumnType,
  isNestedType,
  NESTED_TYPES,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../../messages/staging_columns.ts";
import {
  isNestedList,
  type NestedElement,
  nestedListProblem,
  type StructList,
} from "../../../messages/nested_columns.ts";
import { bigqueryName } from "./schema.ts";
import { columnIndex } from "../batch_columns.ts";
import { eventDate } from "../value_limits.ts";

const EVENT_TIME = columnIndex("event_time_ms");
const KAFKA_TIME = columnIndex("_kafka_timestamp_ms");

/** A row as `tabledata.insertAll` takes it. */
export interface StreamRow {
  readonly insertId: string;
  readonly json: Record<string, unknown>;
}

/** BigQuery JSON of a timestamp given in epoch milliseconds (representable: see value_limits). */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

/** A nested list as insertAll JSON: members under their BigQuery names (`category_id`). */
export function recordJson(elements: readonly NestedElement[], list: StructList): unknown[] {
  return elements.map((element) => {
    const out: Record<string, unknown> = {};
    for (const member of list.fields) {
      const value = element[member.name];
      if (value === undefined) continue;
      out[bigqueryName(member.name)] = typeof member.type === "string" || !Array.isArray(value)
        ? value
        : recordJson(value, member.type);
    }
    return out;
  });
}

function checked(cell: Cell | undefined, type: ColumnType, name: string, row: number): unknown {
  if (cell === null || cell === undefined) {
    return type === "VARCHAR[]" || isNestedType(type) ? [] : null;
  }
  if (isNestedType(type)) {
    const list = NESTED_TYPES[type];
    if (isNestedList(cell, list)) return recordJson(cell, list);
    throw new TypeError(`Cannot write row ${row}: ${nestedListProblem(cell, list, name)}`);
  }
  const ok = type === "VARCHAR"
    ? typeof cell === "string"
    : type === "BIGINT" || type === "INTEGER"
    ? typeof cell === "number" && Number.isSafeInteger(cell)
    : type === "DOUBLE"
    ? typeof cell === "number"
    : type === "BOOLEAN"
    ? typeof cell === "boolean"
    : Array.isArray(cell) && cell.every((s) => typeof s === "string");
  if (!ok) {
    throw new TypeError(`Cannot write row ${row}: ${name} should be ${type}, got ${String(cell)}`);
  }
  // JSON has no NaN or infinities; BigQuery reads them from strings.
  if (typeof cell === "number" && !Number.isFinite(cell)) return String(cell);
  return cell;
}

/**
 * Encodes every row of `rows`, stamped with `ingestedAtMs` and row i's epoch `epochs[i]`, leaving
 * out the `withheld` columns (ones the open generation's table, made by an older version, does
 * not have yet).
 */
export function encodeStagingRows(
  rows: RowBatch,
  ingestedAtMs: number,
  epochs: readonly number[],
  withheld: ReadonlySet<string> = new Set(),
): StreamRow[] {
  const out: StreamRow[] = [];
  const ingestedAt = timestamp(ingestedAtMs);
  for (let row = 0; row < rows.rowCount; row++) {
    const json: Record<string, unknown> = {};
    STAGING_COLUMNS.forEach((spec, i) => {
      if (withheld.has(spec.name)) return;
      json[spec.name] = checked(rows.columns[i]?.[row], spec.type, spec.name, row);
    });
    const epoch = epochs[row] ?? 0;
    json._ingested_at = ingestedAt;
    if (!withheld.has("_offset_epoch")) json._offset_epoch = epoch;
    json.dt = eventDate(
      rows.columns[EVENT_TIME]?.[row] ?? null,
      rows.columns[KAFKA_TIME]?.[row] ?? null,
    );
    out.push({ insertId: `${json._topic}-${json._partition}-${epoch}-${json._offset}`, json });
  }
  return out;
}
