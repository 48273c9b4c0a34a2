/**
 * Writes a sealed staging generation as ZSTD Parquet with DuckDB's own COPY: Hive partitions by
 * event date (`dt=YYYY-MM-DD`, from `event_time_ms`, else the Kafka timestamp; a date that is not
 * one goes to the fallback folder `dt=__HIVE_DEFAULT_PARTITION__`), file names that carry the
 * generation so a retried export rewrites the same names instead of adding files. A generation
 * is read as `summary` reads it (`staging_shape.ts`): a narrow one with its user agents' fields.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { emptyFolder } from "../../../files/file_tree.ts";
import { sqlString } from "../sql_string.ts";
import { EVENT_DATE_SQL } from "../value_limits.ts";
import { stagingTable } from "./schema.ts";
import { generationSelect, shapeOf, tableColumns } from "./staging_shape.ts";

/** Copies generation `generation` into the empty or missing folder `dir`. */
export async function exportParquet(
  connection: DuckDBConnection,
  generation: number,
  dir: string,
): Promise<void> {
  const [[state] = []] = (await connection.runAndReadAll(
    "SELECT state FROM staging_generations WHERE generation = $1",
    [generation],
  )).getRowsJS();
  if (state !== "sealed") {
    throw new RangeError(
      `Cannot export generation ${generation}: it is ${state ?? "unknown"}, not sealed`,
    );
  }
  await emptyFolder(dir);
  // A narrow generation reads its UA fields from the dimension: Bronze keeps every column.
  const table = stagingTable(generation);
  const rows = generationSelect(table, shapeOf(await tableColumns(connection, table)));
  await connection.run(
    `COPY (SELECT *, ${EVENT_DATE_SQL} AS dt FROM (${rows}))
     TO ${sqlString(dir)} (FORMAT PARQUET, COMPRESSION ZSTD, PARTITION_BY (dt),
       FILENAME_PATTERN 'part-g${generation}-{i}')`,
  );
}
