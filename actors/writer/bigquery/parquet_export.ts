/**
 * Client-side Parquet export of a sealed generation, the default (and the only one the emulator
 * can run): pages through the committed rows, loads them into an in-memory DuckDB with the local
 * lake's column types, and writes them with the same COPY as the embedded warehouse.
 */

import type { BigQuery, Query, QueryRowsResponse } from "@google-cloud/bigquery";
import { DuckDBInstance } from "@duckdb/node-api";
import { type Cell, isNestedType, NESTED_TYPES } from "../../../messages/staging_columns.ts";
import { nestedCell } from "./record_cells.ts";
import { appendColumns } from "../duckdb/column_chunks.ts";
import { duckdbTypeSql, STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { emptyFolder } from "../../../files/file_tree.ts";
import { sqlString } from "../sql_string.ts";
import { EVENT_DATE_SQL } from "../value_limits.ts";
import {
  missingStagingColumns,
  stagingColumnOrNull,
  stagingTable,
  staleStagingColumns,
} from "./schema.ts";
import { retypeRow } from "../retyped_columns.ts";
import { timed } from "./client.ts";
import { sealTable } from "./generations.ts";
import { committedStaging } from "./visible_rows.ts";

/** Rows fetched per page. */
const PAGE_ROWS = 20_000;

function toCell(value: unknown, type: TableColumnType, name: string): Cell {
  if (isNestedType(type)) return nestedCell(value, NESTED_TYPES[type], name);
  if (value === null || value === undefined) return null;
  // BigQuery stores no NULL arrays: an empty list reads back as NULL, like the local lake.
  if (Array.isArray(value)) {
    if (!value.every((v) => typeof v === "string")) throw new TypeError(`${name} is not strings`);
    return value.length === 0 ? null : value;
  }
  if (typeof value === "string" && (type === "BIGINT" || type === "INTEGER")) return Number(value);
  if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") {
    return value;
  }
  throw new TypeError(`BigQuery column ${name} has an unexpected value: ${String(value)}`);
}

/** Copies committed generation `generation` into the (replaced) local folder `dir`. */
export async function exportParquet(
  client: BigQuery,
  dataset: string,
  generation: number,
  dir: string,
): Promise<void> {
  const missing = new Set(await missingStagingColumns(client, dataset, generation));
  // Columns an older version made STRING: selected as they are and read again row by row.
  const stale = await staleStagingColumns(client, dataset, generation);
  const names = STAGING_TABLE_COLUMNS.map((c) => {
    if (c.name === "_ingested_at") return "UNIX_MILLIS(_ingested_at) AS _ingested_at";
    if (stale.includes(c.name)) return c.name;
    if (!isNestedType(c.type)) return stagingColumnOrNull(c.name, missing);
    // As JSON text: the emulator cannot return a record holding a repeated record as rows.
    return missing.has(c.name)
      ? `CAST(NULL AS STRING) AS ${c.name}`
      : `TO_JSON_STRING(${c.name}) AS ${c.name}`;
  });
  // A sealed generation: exactly the commits its seal covers.
  const sealed = { kind: "seal", table: sealTable(generation) } as const;
  const [job] = await timed(client, "start the export query", () =>
    client.createQueryJob({
      query: `SELECT ${names.join(", ")} FROM (${
        committedStaging(dataset, stagingTable(generation), generation, sealed)
      })`,
      useLegacySql: false,
    }));
  await emptyFolder(dir);
  const instance = await DuckDBInstance.create(":memory:", { threads: "1" });
  const connection = await instance.connect();
  try {
    const ddl = STAGING_TABLE_COLUMNS.map((c) => `"${c.name}" ${duckdbTypeSql(c.type)}`)
      .join(", ");
    await connection.run(`CREATE TABLE rows (${ddl})`);
    let pageToken: string | undefined = undefined;
    do {
      const token: string | undefined = pageToken;
      const response: QueryRowsResponse = await timed(
        client,
        "read a page of the export",
        (): Promise<QueryRowsResponse> =>
          job.getQueryResults({
            autoPaginate: false,
            maxResults: PAGE_ROWS,
            ...(token === undefined ? {} : { pageToken: token }),
          }),
      );
      const rows: unknown[] = response[0];
      const next: Query | null | undefined = response[1];
      const valueOf = (row: unknown, name: string): unknown =>
        typeof row === "object" && row !== null && name in row
          ? Object.getOwnPropertyDescriptor(row, name)?.value
          : undefined;
      const retyped = stale.length === 0 ? [] : rows.map((row) =>
        retypeRow(
          stale,
          stale.map((name) => valueOf(row, name) ?? null),
          valueOf(row, "field_problems"),
          valueOf(row, "extra") ?? null,
        )
      );
      const readAgain = (row: number, name: string): Cell | undefined => {
        const fixed = retyped[row];
        if (fixed === undefined) return undefined;
        if (name === "field_problems") return fixed.problems;
        if (name === "extra") return fixed.extra;
        const at = stale.indexOf(name);
        return at < 0 ? undefined : fixed.values[at] ?? null;
      };
      const columns = STAGING_TABLE_COLUMNS.map((c) => ({
        name: c.name,
        type: c.type,
        cells: rows.map((row, i) => {
          const again = readAgain(i, c.name);
          return again !== undefined ? again : toCell(valueOf(row, c.name), c.type, c.name);
        }),
      }));
      const appender = await connection.createAppender("rows");
      appendColumns(appender, columns, rows.length);
      appender.closeSync();
      pageToken = next?.pageToken ?? undefined;
    } while (pageToken !== undefined);
    await connection.run(
      `COPY (SELECT *, ${EVENT_DATE_SQL} AS dt FROM rows)
       TO ${sqlString(dir)} (FORMAT PARQUET, COMPRESSION ZSTD, PARTITION_BY (dt),
         FILENAME_PATTERN 'part-g${generation}-{i}')`,
    );
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
