import assert from "node:assert/strict";
import { ensurePythonEnv, PythonMissingError } from "../../../tools/python/python_env.ts";
import { TRANSFORM_DIR } from "../../../tools/models/transform_dir.ts";
import { syntheticBatch } from "../testing.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";

const OPTION_STRUCT = "struct<Kollektion: string, alloy: string, category id: string, " +
  "diamond: string, finish: string, kollektion_id: string, option_id: string, " +
  "option_label: string, pearlcolor: string, price: string, quality: string, " +
  "quality_label: string, shapediamond: string, stone: string, value_id: string, " +
  "value_label: string, extra: string>";
const CART_STRUCT = "struct<amount: int64, currency: string, option: list<element: " +
  "struct<option_id: int64, option_label: string, value_id: int64, value_label: string, " +
  "extra: string>>, price: string, product_id: int64, extra: string>";

/** pyarrow's reading of each column type of the Parquet files under `dir` (one line each). */
async function pyarrowSchema(dir: string): Promise<Map<string, string>> {
  const env = await ensurePythonEnv("dbt", `${TRANSFORM_DIR}/requirements.txt`);
  const script = `import glob, sys, pyarrow.parquet as pq
for path in sorted(glob.glob(sys.argv[1] + "/**/*.parquet", recursive=True))[:1]:
    for field in pq.read_schema(path):
        print(field.name + "\\t" + str(field.type))`;
  const out = await new Deno.Command(env.python, { args: ["-c", script, dir] }).output();
  if (!out.success) throw new Error(`pyarrow failed: ${new TextDecoder().decode(out.stderr)}`);
  return new Map(
    new TextDecoder().decode(out.stdout).trim().split("\n").map((line) =>
      line.split("\t") as [string, string]
    ),
  );
}

Deno.test("Bronze Parquet carries option and cart_products as list<struct>, order_id int64 and utm_* bool (DuckDB and pyarrow read it so)", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "parquet_schema_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  try {
    await warehouse.writeBatch({
      rows: syntheticBatch({ fromOffset: 0, count: 500 }),
      deadLetters: [],
    });
    const sealed = await warehouse.sealGeneration();
    await warehouse.exportParquet(sealed.generation, { kind: "folder", dir: `${dir}/lake` });
    const files = `${dir}/lake/**/*.parquet`;
    const types = new Map(
      (await warehouse.query(
        `SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM read_parquet('${files}'))`,
      )).map((r) => [String(r.column_name), String(r.column_type)]),
    );
    assert.match(
      types.get("option") ?? "",
      /^STRUCT\(Kollektion VARCHAR, alloy VARCHAR, "category id" VARCHAR, .*extra VARCHAR\)\[\]$/,
    );
    assert.equal(
      types.get("cart_products"),
      'STRUCT(amount BIGINT, currency VARCHAR, "option" STRUCT(option_id BIGINT, option_label ' +
        "VARCHAR, value_id BIGINT, value_label VARCHAR, extra VARCHAR)[], price VARCHAR, " +
        "product_id BIGINT, extra VARCHAR)[]",
    );
    assert.deepEqual(
      ["order_id", "utm_source", "utm_medium"].map((c) => types.get(c)),
      ["BIGINT", "BOOLEAN", "BOOLEAN"],
    );
    // The Parquet logical type is a LIST of a group, not text.
    const [leaf] = await warehouse.query(
      `SELECT logical_type, converted_type FROM parquet_schema('${files}') WHERE name = 'cart_products' LIMIT 1`,
    );
    assert.equal(String(leaf?.converted_type), "LIST");
    try {
      const arrow = await pyarrowSchema(`${dir}/lake`);
      assert.equal(arrow.get("option"), `list<element: ${OPTION_STRUCT}>`);
      assert.equal(arrow.get("cart_products"), `list<element: ${CART_STRUCT}>`);
      assert.deepEqual(
        ["order_id", "utm_source", "utm_medium"].map((c) => arrow.get(c)),
        ["int64", "bool", "bool"],
      );
    } catch (error: unknown) {
      if (!(error instanceof PythonMissingError)) throw error;
      t.step({ name: `pyarrow check skipped: ${error.message}`, ignore: true, fn: () => {} });
    }
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
