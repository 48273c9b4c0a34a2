import assert from "node:assert/strict";
import { syntheticBatch } from "../testing.ts";
import type { StringCompression } from "../../../messages/writer.ts";
import { DuckDBWarehouse } from "./duckdb_warehouse.ts";

/**
 * Stages 3,000 rows in a fresh file with `mode`, checkpoints, and returns how DuckDB stored the
 * staged text columns (compression name → segments) and the staged user agents read back.
 */
async function stageAndCheckpoint(mode: StringCompression | undefined) {
  const dir = await Deno.makeTempDir({ prefix: "string_compression_" });
  const warehouse = new DuckDBWarehouse({
    path: `${dir}/warehouse.duckdb`,
    ...(mode === undefined ? {} : { stringCompression: mode }),
  });
  try {
    await warehouse.open();
    const rows = syntheticBatch({ fromOffset: 0, count: 3_000, userAgents: 20 });
    await warehouse.writeBatch({ rows, deadLetters: [] });
    await warehouse.query("CHECKPOINT");
    const segments = await warehouse.query(
      `SELECT compression, count(*) AS n FROM pragma_storage_info('staging_g1')
       WHERE column_name IN ('user_agent', 'collection', 'browser_family', 'current_url')
         AND segment_type = 'VARCHAR'
       GROUP BY compression`,
    );
    const stored = new Map(segments.map((r) => [String(r.compression), Number(r.n)]));
    const agents = (await warehouse.query(
      "SELECT count(DISTINCT user_agent) AS n, count(*) AS rows FROM staging_g1",
    ))[0];
    return { stored, distinctAgents: Number(agents?.n), rows: Number(agents?.rows) };
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("string compression off: staged text is stored uncompressed at a checkpoint and reads back whole", async () => {
  const { stored, distinctAgents, rows } = await stageAndCheckpoint("off");
  assert.ok((stored.get("Uncompressed") ?? 0) > 0, `segments: ${[...stored]}`);
  assert.equal(stored.get("Dictionary"), undefined);
  assert.equal(stored.get("FSST"), undefined);
  assert.equal(rows, 3_000);
  assert.equal(distinctAgents, 20);
});

Deno.test("string compression auto (the default): DuckDB compresses repetitive staged text", async () => {
  for (const mode of ["auto", undefined] as const) {
    const { stored, distinctAgents } = await stageAndCheckpoint(mode);
    const compressed = (stored.get("Dictionary") ?? 0) + (stored.get("FSST") ?? 0);
    assert.ok(compressed > 0, `${mode}: segments ${[...stored]}`);
    assert.equal(distinctAgents, 20);
  }
});
