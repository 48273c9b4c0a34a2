import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { dirOf, syncDir, syncFile } from "../../files/durable_file.ts";
import { listFiles } from "../../files/file_tree.ts";
import { DuckDBWarehouse } from "../writer/duckdb/duckdb_warehouse.ts";
import { syntheticBatch } from "../writer/testing.ts";
import { runExport } from "./export_run.ts";
import { FolderLake, type LakeFiles } from "./folder_lake.ts";
import { lakeContract } from "./lake_contract.ts";

/** Every (partition, offset) in the lake's Parquet files, as read by a separate DuckDB. */
async function lakeKeys(root: string): Promise<string[]> {
  if ((await listFiles(`${root}/bronze/summary`)).length === 0) return [];
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    const reader = await connection.runAndReadAll(
      `SELECT _partition || ':' || _offset FROM read_parquet('${root}/bronze/summary/**/*.parquet',
         hive_partitioning = true) ORDER BY _partition, _offset`,
    );
    return reader.getRowsJS().map(([k]) => String(k));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

lakeContract("Folder lake over DuckDB", async () => {
  const dir = await Deno.makeTempDir({ prefix: "export_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  const root = `${dir}/lake`;
  return {
    warehouse,
    lake: new FolderLake(root),
    location: `${root}/bronze/summary`,
    lakeKeys: () => lakeKeys(root),
    files: async () => (await listFiles(root)).sort(),
    async leave(relative) {
      await Deno.mkdir(dirOf(`${root}/${relative}`), { recursive: true });
      await Deno.writeTextFile(`${root}/${relative}`, "not parquet");
    },
    async cleanup() {
      await warehouse.close();
      await Deno.remove(dir, { recursive: true });
    },
  };
});

/** The real file operations, each recorded in order. */
function recordingFiles(ops: string[]): LakeFiles {
  return {
    syncFile: async (path) => {
      await syncFile(path);
      ops.push(`syncFile ${path}`);
    },
    syncDir: async (path) => {
      await syncDir(path);
      ops.push(`syncDir ${path}`);
    },
    rename: async (from, to) => {
      await Deno.rename(from, to);
      ops.push(`rename ${from} -> ${to}`);
    },
  };
}

/**
 * What a power cut right now would keep, by the rule a POSIX file system follows: a renamed file
 * survives with its bytes when its contents were fsynced before the rename and its directory
 * after it. Returns the published files that would not survive.
 */
function lostOnPowerCut(ops: readonly string[], published: readonly string[]): string[] {
  return published.filter((target) => {
    const renamed = ops.findIndex((op) => op.startsWith("rename ") && op.endsWith(` -> ${target}`));
    if (renamed < 0) return true;
    const source = ops[renamed]!.slice("rename ".length, -` -> ${target}`.length);
    const contents = ops.indexOf(`syncFile ${source}`);
    const entry = ops.indexOf(`syncDir ${dirOf(target)}`, renamed);
    return contents < 0 || contents > renamed || entry < 0;
  });
}

Deno.test("a power cut between publishing and the manifest loses no exported row", async () => {
  const dir = await Deno.makeTempDir({ prefix: "folder_lake_" });
  const warehouse = new DuckDBWarehouse({ path: `${dir}/warehouse.duckdb` });
  await warehouse.open();
  try {
    // Two event dates (synthetic event time advances a second per ten offsets).
    for (const fromOffset of [0, 2_000_000]) {
      await warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset, count: 1_500 }),
        deadLetters: [],
      });
    }
    const ops: string[] = [];
    const lake = new FolderLake(`${dir}/lake`, recordingFiles(ops));
    let published: string[] = [];
    await assert.rejects(
      runExport({
        warehouse,
        lake,
        crashAfter: (step) => {
          if (step !== "published") return;
          // The crash point: files renamed into place, the manifest not yet written.
          published = ops.filter((op) => op.startsWith("rename "))
            .map((op) => op.slice(op.indexOf(" -> ") + 4));
          ops.push("crash");
          throw new Error("power cut");
        },
      }),
      /power cut/,
    );
    assert.ok(published.length > 1, `files over several event dates: ${published}`);
    assert.deepEqual(lostOnPowerCut(ops.slice(0, ops.indexOf("crash")), published), []);
    for (const folder of [`${dir}/lake/bronze/summary`, `${dir}/lake/bronze`, `${dir}/lake`, dir]) {
      assert.ok(ops.includes(`syncDir ${folder}`), `new entries of ${folder} made durable`);
    }
    assert.deepEqual(await warehouse.exportManifest(), [], "the manifest was not reached");

    // After the restart the same generation is exported again over the same names, once.
    const summary = await runExport({ warehouse, lake: new FolderLake(`${dir}/lake`) }, false);
    assert.equal(summary.rows, 3_000);
    assert.deepEqual((await warehouse.exportManifest()).map((e) => e.rowCount), [3_000]);
  } finally {
    await warehouse.close();
    await Deno.remove(dir, { recursive: true });
  }
});
