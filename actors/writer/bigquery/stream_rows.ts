/**
 * Streams rows into a BigQuery table with `tabledata.insertAll`, in requests of at most
 * `INSERT_CHUNK_ROWS` rows and `MAX_REQUEST_BYTES` bytes (BigQuery refuses requests over 10 MB
 * with a 400 that no retry can fix), each with the client's time cap.
 */
import type { BigQuery } from "@google-cloud/bigquery";
import { MAX_REQUEST_BYTES } from "../value_limits.ts";
import { timed } from "./client.ts";
import type { StreamRow } from "./row_encoding.ts";

/** Rows per insertAll request (BigQuery recommends about 500). */
export const INSERT_CHUNK_ROWS = 500;

const encoder = new TextEncoder();

/** Splits `rows` into requests within the row and byte limits, in order. */
export function requestsOf(
  rows: readonly StreamRow[],
  maxRows = INSERT_CHUNK_ROWS,
  maxBytes = MAX_REQUEST_BYTES,
): StreamRow[][] {
  const out: StreamRow[][] = [];
  let current: StreamRow[] = [];
  let bytes = 0;
  for (const row of rows) {
    // Each row travels as {"insertId":…,"json":…}; the envelope adds a few dozen bytes.
    const size = encoder.encode(JSON.stringify(row.json)).byteLength + row.insertId.length + 32;
    if (current.length > 0 && (current.length >= maxRows || bytes + size > maxBytes)) {
      out.push(current);
      current = [];
      bytes = 0;
    }
    current.push(row);
    bytes += size;
  }
  if (current.length > 0) out.push(current);
  return out;
}

/** Streams `rows` to `table`; `afterChunk` runs after each request. */
export async function streamRows(
  client: BigQuery,
  dataset: string,
  table: string,
  rows: readonly StreamRow[],
  afterChunk?: () => void,
): Promise<void> {
  for (const request of requestsOf(rows)) {
    await timed(
      client,
      `insert ${request.length} rows into ${table}`,
      () =>
        client.dataset(dataset).table(table).insert(request, {
          raw: true,
          skipInvalidRows: false,
          ignoreUnknownValues: false,
        }),
    );
    afterChunk?.();
  }
}
