import assert from "node:assert/strict";
import {
  ensureToken,
  MIN_TOKEN_CHARS,
  readToken,
  tokenFile,
  tokenMatches,
} from "./control_token.ts";

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await Deno.makeTempDir({ prefix: "control_token_" });
  try {
    await fn(dir);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

const mode = async (path: string) => ((await Deno.stat(path)).mode ?? 0) & 0o777;

Deno.test("a missing token file is created with 48 random characters, mode 0600", async () => {
  await withDir(async (dir) => {
    const token = await ensureToken(undefined, dir);
    assert.match(token, /^[0-9a-f]{48}$/);
    assert.equal((await Deno.readTextFile(tokenFile(dir))).trim(), token);
    assert.equal(await mode(tokenFile(dir)), 0o600);
    assert.equal(await ensureToken(undefined, dir), token, "reused at the next start");
    assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["control-token"]);
  });
});

Deno.test("an empty or short token file is replaced, never used; the export command refuses it", async () => {
  await withDir(async (dir) => {
    for (const short of ["", "\n", "abc", "x".repeat(MIN_TOKEN_CHARS - 1)]) {
      await Deno.writeTextFile(tokenFile(dir), short, { mode: 0o644 });
      await assert.rejects(readToken(undefined, dir), /fewer than 32: start the pipeline/);
      const token = await ensureToken(undefined, dir);
      assert.match(token, /^[0-9a-f]{48}$/);
      assert.equal(await readToken(undefined, dir), token);
      assert.equal(await mode(tokenFile(dir)), 0o600);
    }
  });
});

Deno.test("a good token file is kept and narrowed to 0600; a configured token wins", async () => {
  await withDir(async (dir) => {
    const kept = "k".repeat(40);
    await Deno.writeTextFile(tokenFile(dir), kept + "\n", { mode: 0o644 });
    await Deno.chmod(tokenFile(dir), 0o644);
    assert.equal(await ensureToken(undefined, dir), kept);
    assert.equal(await mode(tokenFile(dir)), 0o600);
    assert.equal(await ensureToken("c".repeat(32), dir), "c".repeat(32));
  });
});

Deno.test("tokens match only when equal, whatever their lengths, and never below 32 characters", () => {
  const token = "t".repeat(40);
  assert.equal(tokenMatches(token, token), true);
  assert.equal(tokenMatches(token.slice(0, 39), token), false);
  assert.equal(tokenMatches(token + "t", token), false);
  assert.equal(tokenMatches("", token), false);
  assert.equal(tokenMatches("u" + token.slice(1), token), false);
  assert.equal(tokenMatches("", ""), false, "an empty expected token matches nothing");
  assert.equal(tokenMatches("short", "short"), false);
});
