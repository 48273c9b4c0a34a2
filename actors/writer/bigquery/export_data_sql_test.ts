import assert from "node:assert/strict";
import { exportDataSql } from "./export_data_sql.ts";

Deno.test("the EXPORT DATA statement writes one event date of a generation as ZSTD Parquet", () => {
  const sql = exportDataSql(
    "lakehouse",
    7,
    "2020-06-01",
    "gs://bronze-bucket/prod/bronze/summary/",
  );
  assert.match(
    sql,
    /uri = 'gs:\/\/bronze-bucket\/prod\/bronze\/summary\/dt=2020-06-01\/part-g7-\*\.parquet'/,
  );
  assert.match(sql, /format = 'PARQUET'/);
  assert.match(sql, /compression = 'ZSTD'/);
  assert.match(sql, /overwrite = true/);
  assert.match(sql, /FROM `lakehouse\.staging_g7` AS s/);
  assert.match(sql, /WHERE generation = 7/);
  assert.match(sql, /WHERE dt = DATE '2020-06-01'$/);
  assert.match(sql, /AS SELECT _topic, _partition, _offset, .*, _ingested_at, _offset_epoch\n/);
});

Deno.test("rows without an event date are exported to the fallback partition", () => {
  const sql = exportDataSql("lakehouse", 7, null, "gs://bronze-bucket/prod/bronze/summary");
  assert.match(sql, /summary\/dt=__HIVE_DEFAULT_PARTITION__\/part-g7-\*\.parquet'/);
  assert.match(sql, /WHERE dt IS NULL$/);
});

Deno.test("the EXPORT DATA statement refuses a target that is not a gs:// prefix or a bad date", () => {
  assert.throws(() => exportDataSql("lakehouse", 1, "2020-06-01", "s3://x/y"), RangeError);
  assert.throws(() => exportDataSql("lakehouse", 1, "2020-06-01", "gs://b/it's"), RangeError);
  assert.throws(() => exportDataSql("lakehouse", 1, "June 1", "gs://b/p"), RangeError);
  assert.throws(() => exportDataSql("lake-house", 1, "2020-06-01", "gs://b/p"), RangeError);
});

Deno.test("the EXPORT DATA statement selects NULL for columns an older generation's table lacks", () => {
  const sql = exportDataSql("lakehouse", 3, "2020-06-01", "gs://b/p", new Set(["ua_engine"]));
  assert.match(sql, /, CAST\(NULL AS STRING\) AS ua_engine, ua_cpu_architecture, /);
});
