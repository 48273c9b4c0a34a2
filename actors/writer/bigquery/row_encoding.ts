/**
 * Encodes a columnar batch as BigQuery streaming rows: one JSON object per row in the staging
 * table's field order, with `insertId = topic-partition-offset` (BigQuery drops a repeated id
 * within its dedupe window). A cell of the wrong type throws `TypeError`: a bug upstream.
 */

import { type Cell, type RowBatch, STAGING_COLUMNS } from "../../../messages/staging_columns.ts";

/** A row as `tabledata.insertAll` takes it. */
export interface StreamRow {
  readonly insertId: string;
  readonly json: Record<string, unknown>;
}

/** UTC date `YYYY-MM-DD` of epoch milliseconds. */
export function utcDate(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** BigQuery JSON of a timestamp given in epoch milliseconds. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString();
}

function checked(cell: Cell | undefined, type: string, name: string, row: number): unknown {
  if (cell === null || cell === undefined) return type === "VARCHAR[]" ? [] : null;
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
 * Encodes every row of `rows`, stamped with `ingestedAtMs`, leaving out the `withheld` columns
 * (ones the open generation's table, made by an older version, does not have yet).
 */
export function encodeStagingRows(
  rows: RowBatch,
  ingestedAtMs: number,
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
    json._ingested_at = ingestedAt;
    const eventMs = json.event_time_ms ?? json._kafka_timestamp_ms;
    if (typeof eventMs !== "number") {
      throw new TypeError(`Cannot write row ${row}: neither event_time_ms nor a Kafka timestamp`);
    }
    json.dt = utcDate(eventMs);
    out.push({ insertId: `${json._topic}-${json._partition}-${json._offset}`, json });
  }
  return out;
}
