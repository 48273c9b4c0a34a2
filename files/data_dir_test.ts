import assert from "node:assert/strict";
import { DataDirInUseError, lockDataDir, lockFile, makePrivate } from "./data_dir.ts";

Deno.test("a locked data directory is refused with the holder's pid, and free again once released", async () => {
  const dir = await Deno.makeTempDir({ prefix: "data_dir_" });
  try {
    const held = await lockDataDir(dir);
    assert.equal((await Deno.readTextFile(lockFile(dir))).trim(), String(Deno.pid));
    await assert.rejects(lockDataDir(dir), (error: unknown) => {
      assert.ok(error instanceof DataDirInUseError);
      assert.equal(error.pid, Deno.pid);
      assert.equal(
        error.message,
        `Cannot start: DATA_DIR ${dir} is in use by process ${Deno.pid} (it holds ` +
          `${dir}/pipeline.lock); stop that pipeline or set another DATA_DIR`,
      );
      return true;
    });
    held.release();
    (await lockDataDir(dir)).release();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the data directory becomes 0700 and what is created after is private to the user", async () => {
  const dir = await Deno.makeTempDir({ prefix: "data_dir_" });
  const umask = Deno.umask();
  try {
    await Deno.chmod(dir, 0o755);
    assert.equal(await makePrivate(dir), 0o755);
    assert.equal((await Deno.stat(dir)).mode! & 0o777, 0o700);
    await Deno.writeTextFile(`${dir}/dead-letters`, "raw payload");
    await Deno.mkdir(`${dir}/lake/dt=2024-01-01`, { recursive: true });
    assert.equal((await Deno.stat(`${dir}/dead-letters`)).mode! & 0o777, 0o600);
    assert.equal((await Deno.stat(`${dir}/lake/dt=2024-01-01`)).mode! & 0o777, 0o700);
    assert.equal(await makePrivate(dir), undefined, "already private");
  } finally {
    Deno.umask(umask);
    await Deno.remove(dir, { recursive: true });
  }
});
