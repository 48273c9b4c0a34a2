import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { syntheticBatch } from "../testing.ts";
import { columnIndex } from "../batch_columns.ts";
import type { StringCompression } from "../../../messages/writer.ts";
import { DuckDBWarehouse, WAREHOUSE_STORAGE_VERSION } from "./duckdb_warehouse.ts";

/**
 * Stages 3,000 rows with `mode` in a fresh file (or in one an older version made in
 * `storageVersion`'s format), checkpoints, and returns how DuckDB stored the staged text columns
 * (compression name → segments), the file's storage format, and the staged URLs and user agents
 * read back (the UA strings through `summary`: a narrow generation keeps them in the dimension).
 */
async function stageAndCheckpoint(mode: StringCompression | undefined, storageVersion?: string) {
  const dir = await Deno.makeTempDir({ prefix: "string_compression_" });
  const path = `${dir}/warehouse.duckdb`;
  if (storageVersion !== undefined) {
    const older = await DuckDBInstance.create(path, {
      storage_compatibility_version: storageVersion,
    });
    older.closeSync();
  }
  const warehouse = new DuckDBWarehouse({
    path,
    ...(mode === undefined ? {} : { stringCompression: mode }),
  });
  try {
    await warehouse.open();
    const rows = syntheticBatch({ fromOffset: 0, count: 3_000, userAgents: 20 });
    await warehouse.writeBatch({ rows, deadLetters: [] });
    await warehouse.query("CHECKPOINT");
    const segments = await warehouse.query(
      `SELECT compression, count(*) AS n FROM pragma_storage_info('staging_g1')
       WHERE column_name IN ('collection', 'current_url', 'referrer_url')
         AND segment_type = 'VARCHAR'
       GROUP BY compression`,
    );
    const stored = new Map(segments.map((r) => [String(r.compression), Number(r.n)]));
    const agents = (await warehouse.query(
      "SELECT count(DISTINCT user_agent) AS n, count(*) AS rows FROM summary",
    ))[0];
    const urls = (await warehouse.query(
      "SELECT count(DISTINCT current_url) AS n FROM staging_g1",
    ))[0];
    const expectedUrls = new Set(rows.columns[columnIndex("current_url")]).size;
    const [tags] = await warehouse.query(
      `SELECT tags['storage_version'] AS version FROM duckdb_databases()
       WHERE database_name = current_database()`,
    );
    return {
      stored,
      distinctAgents: Number(agents?.n),
      urlsWhole: Number(urls?.n) === expectedUrls,
      rows: Number(agents?.rows),
      format: String(tags?.version),
    };
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("string compression off: staged text is stored uncompressed at a checkpoint and reads back whole", async () => {
  const { stored, distinctAgents, rows, urlsWhole } = await stageAndCheckpoint("off");
  assert.ok((stored.get("Uncompressed") ?? 0) > 0, `segments: ${[...stored]}`);
  assert.equal(stored.get("Dictionary"), undefined);
  assert.equal(stored.get("FSST"), undefined);
  assert.equal(stored.get("DICT_FSST"), undefined);
  assert.equal(rows, 3_000);
  assert.equal(distinctAgents, 20);
  assert.ok(urlsWhole);
});

Deno.test("string compression auto (the default): DuckDB compresses repetitive staged text with dict_fsst", async () => {
  for (const mode of ["auto", undefined] as const) {
    const { stored, distinctAgents } = await stageAndCheckpoint(mode);
    assert.ok((stored.get("DICT_FSST") ?? 0) > 0, `${mode}: segments ${[...stored]}`);
    assert.equal(distinctAgents, 20);
  }
});

Deno.test("a new warehouse file is made in DuckDB 1.5's format, whose dict_fsst compresses text", async () => {
  const { format, stored } = await stageAndCheckpoint("auto");
  assert.equal(format, `${WAREHOUSE_STORAGE_VERSION}+`);
  assert.deepEqual([...stored.keys()], ["DICT_FSST"]);
});

Deno.test("a warehouse file an older version made keeps its format and its dictionary and FSST text", async () => {
  const { format, stored, rows, distinctAgents } = await stageAndCheckpoint("auto", "v1.0.0");
  assert.equal(format, "v1.0.0+");
  assert.equal(stored.get("DICT_FSST"), undefined);
  assert.ok((stored.get("Dictionary") ?? 0) + (stored.get("FSST") ?? 0) > 0, `${[...stored]}`);
  assert.equal(rows, 3_000);
  assert.equal(distinctAgents, 20);
});
