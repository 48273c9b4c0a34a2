/**
 * Server-side export, the efficient production path: BigQuery's `EXPORT DATA` writes a sealed
 * generation's committed rows straight to Cloud Storage as ZSTD Parquet, one statement per event
 * date into `.../dt=YYYY-MM-DD/part-g<N>-*.parquet` (rows without a date into the fallback
 * `dt=__HIVE_DEFAULT_PARTITION__`). The emulator cannot run it (opt-in test).
 */

import type { BigQuery } from "@google-cloud/bigquery";
import { STAGING_TABLE_COLUMNS } from "../table_columns.ts";
import { FALLBACK_PARTITION } from "../value_limits.ts";
import { query, strOrNull } from "./client.ts";
import { missingStagingColumns, stagingColumnOrNull, stagingTable } from "./schema.ts";
import { sealTable } from "./generations.ts";
import { committedStaging } from "./visible_rows.ts";

/**
 * The EXPORT DATA statement for one event date of a generation (null: rows without one), under
 * `gs://` prefix `uri`; columns in `missing` (the table predates them) are exported as NULL.
 */
export function exportDataSql(
  dataset: string,
  generation: number,
  date: string | null,
  uri: string,
  missing: ReadonlySet<string> = new Set(),
): string {
  if (date !== null && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
    throw new RangeError(`Not a date: ${date}`);
  }
  if (!/^gs:\/\/[a-z0-9._-]+(\/[^'*\\]*)?$/.test(uri)) {
    throw new RangeError(`Cannot export to ${uri}: expected gs://bucket/prefix`);
  }
  const columns = STAGING_TABLE_COLUMNS.map((c) => stagingColumnOrNull(c.name, missing)).join(", ");
  const sealed = { kind: "seal", table: sealTable(generation) } as const;
  const folder = date === null ? FALLBACK_PARTITION : `dt=${date}`;
  const target = `${uri.replace(/\/+$/, "")}/${folder}/part-g${generation}-*.parquet`;
  return `EXPORT DATA OPTIONS (
  uri = '${target}',
  format = 'PARQUET',
  compression = 'ZSTD',
  overwrite = true)
AS SELECT ${columns}
FROM (${committedStaging(dataset, stagingTable(generation), generation, sealed)})
WHERE ${date === null ? "dt IS NULL" : `dt = DATE '${date}'`}`;
}

/** Runs the export of every event date of a sealed generation; returns the dates written. */
export async function exportDataServerSide(
  client: BigQuery,
  dataset: string,
  generation: number,
  uri: string,
): Promise<(string | null)[]> {
  const sealed = { kind: "seal", table: sealTable(generation) } as const;
  const dates = (await query(
    client,
    `SELECT DISTINCT CAST(dt AS STRING) AS dt FROM (${
      committedStaging(dataset, stagingTable(generation), generation, sealed)
    }) ORDER BY dt`,
  )).map((r) => strOrNull(r, "dt"));
  const missing = new Set(await missingStagingColumns(client, dataset, generation));
  for (const date of dates) {
    await query(client, exportDataSql(dataset, generation, date, uri, missing));
  }
  return dates;
}
