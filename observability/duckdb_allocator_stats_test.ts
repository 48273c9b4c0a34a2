import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { PERMISSIONS } from "../test/pipeline_process.ts";
import { duckdbAllocatorStats } from "./duckdb_allocator_stats.ts";

Deno.test("DuckDB's allocator figures follow what a DuckDB table holds in memory", async () => {
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const before = duckdbAllocatorStats();
    assert.ok(before !== null, "the test machine runs Linux with FFI granted and DuckDB loaded");
    await connection.run(
      "CREATE TABLE t AS SELECT range AS i, repeat('x', 40) || range AS s " +
        "FROM range(2000000)",
    );
    const during = duckdbAllocatorStats();
    assert.ok(during !== null);
    assert.ok(during.allocatedBytes - before.allocatedBytes >= 32 << 20, "the table's blocks");
    assert.ok(during.residentBytes >= during.activeBytes);
    assert.ok(during.activeBytes >= during.allocatedBytes);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
});

Deno.test(
  "DUCKDB_JE_MALLOC_CONF sets how long DuckDB's allocator keeps freed pages, read with the " +
    "pipeline's permissions",
  async () => {
    const script = await Deno.makeTempFile({ suffix: ".ts" });
    try {
      await Deno.writeTextFile(
        script,
        `import { DuckDBInstance } from "@duckdb/node-api";
        import { duckdbAllocatorStats } from ${
          JSON.stringify(import.meta.resolve("./duckdb_allocator_stats.ts"))
        };
        await DuckDBInstance.create(":memory:");
        console.log(JSON.stringify(duckdbAllocatorStats()?.dirtyDecayMs ?? null));`,
      );
      const decay = async (env: Record<string, string>) => {
        const config = new URL("../deno.json", import.meta.url).pathname;
        const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
          args: ["run", "--config", config, ...PERMISSIONS, script],
          env,
          stdout: "piped",
          stderr: "piped",
        }).output();
        assert.equal(code, 0, new TextDecoder().decode(stderr));
        return JSON.parse(new TextDecoder().decode(stdout));
      };
      assert.equal(await decay({}), 1000, "DuckDB's own setting");
      assert.equal(await decay({ DUCKDB_JE_MALLOC_CONF: "dirty_decay_ms:100" }), 100);
    } finally {
      await Deno.remove(script);
    }
  },
);
