import assert from "node:assert/strict";
import { emptyFolder, listFiles, removeIfPresent } from "./file_tree.ts";

Deno.test("every file below a folder is listed by its relative path; a missing folder has none", async () => {
  const dir = await Deno.makeTempDir({ prefix: "file_tree_" });
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.writeTextFile(`${dir}/top.txt`, "1");
    await Deno.writeTextFile(`${dir}/a/b/deep.txt`, "2");
    assert.deepEqual((await listFiles(dir)).sort(), ["a/b/deep.txt", "top.txt"]);
    assert.deepEqual(await listFiles(`${dir}/missing`), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("removing what is gone is no error, and an emptied folder exists and is empty", async () => {
  const dir = await Deno.makeTempDir({ prefix: "file_tree_" });
  try {
    await removeIfPresent(`${dir}/never`);
    await Deno.writeTextFile(`${dir}/x`, "1");
    await emptyFolder(`${dir}/out`);
    await Deno.writeTextFile(`${dir}/out/old`, "1");
    await emptyFolder(`${dir}/out`);
    assert.deepEqual(await listFiles(`${dir}/out`), []);
    await removeIfPresent(`${dir}/x`);
    assert.deepEqual(await listFiles(dir), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
