import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { parquetFileRows, ParquetFooterError, parquetRowCount } from "./parquet_footer.ts";

/** Writes Parquet files with DuckDB, as the lake gets them, and DuckDB's own count of them. */
async function written(dir: string): Promise<{ paths: string[]; duckdbRows: number }> {
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    await db.run(
      `COPY (SELECT i, i % 7 AS d, md5(i::VARCHAR) AS h, [i::VARCHAR, 'x'] AS l,
               CASE WHEN i % 3 = 0 THEN NULL ELSE i / 2 END AS half
             FROM range(123457) t(i))
       TO '${dir}/out' (FORMAT PARQUET, COMPRESSION ZSTD, PARTITION_BY (d), ROW_GROUP_SIZE 10000)`,
    );
    await db.run(`COPY (SELECT 1 AS one WHERE false) TO '${dir}/empty.parquet' (FORMAT PARQUET)`);
    const paths: string[] = [`${dir}/empty.parquet`];
    for await (const d of Deno.readDir(`${dir}/out`)) {
      for await (const f of Deno.readDir(`${dir}/out/${d.name}`)) {
        paths.push(`${dir}/out/${d.name}/${f.name}`);
      }
    }
    const list = paths.map((p) => `'${p}'`).join(", ");
    const rows = (await db.runAndReadAll(
      `SELECT sum(num_rows)::BIGINT FROM parquet_file_metadata([${list}])`,
    )).getRowsJS();
    return { paths, duckdbRows: Number(rows[0]?.[0]) };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

Deno.test("the row count read from the footers is the count DuckDB reads, files with many row groups and none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parquet_footer_" });
  try {
    const { paths, duckdbRows } = await written(dir);
    assert.equal(duckdbRows, 123_457);
    assert.equal(await parquetRowCount(paths), duckdbRows);
    assert.equal(await parquetFileRows(`${dir}/empty.parquet`), 0);
    assert.equal(await parquetRowCount([]), 0);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a file that is not Parquet, or is cut short, is refused, named", async () => {
  const dir = await Deno.makeTempDir({ prefix: "parquet_footer_" });
  try {
    const { paths } = await written(dir);
    await Deno.writeTextFile(`${dir}/text.parquet`, "not parquet at all, not at all");
    await assert.rejects(
      parquetFileRows(`${dir}/text.parquet`),
      (e: unknown) =>
        e instanceof ParquetFooterError && /text\.parquet is not a Parquet file/.test(e.message),
    );
    const whole = await Deno.readFile(paths[1] ?? "");
    await Deno.writeFile(`${dir}/cut.parquet`, whole.subarray(0, whole.length - 100));
    await assert.rejects(parquetFileRows(`${dir}/cut.parquet`), ParquetFooterError);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
