/**
 * A full disk under the embedded warehouse, end to end: `DATA_DIR` is a small tmpfs in a private
 * mount namespace (`unshare --mount`, which needs root; skipped, saying why, where it is not
 * possible), the pipeline runs inside it (`nsenter`), and the test fills the tmpfs mid-stream
 * (`dd` in the namespace). While DuckDB cannot write, `/ready` names the writer and nothing is
 * committed; once space is freed the pipeline resumes by itself: every offset exactly once.
 */
import assert from "node:assert/strict";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, groupLag, pipelineEnv, produce } from "./ingestion_fixture.ts";

const FULL_MS = 15_000;

/** Why a private tmpfs cannot be had here, or undefined when it can. */
async function cannotMount(): Promise<string | undefined> {
  try {
    const probe = await new Deno.Command("unshare", {
      args: ["--mount", "--propagation", "private", "sh", "-c", "mount -t tmpfs tmpfs /mnt"],
      stdout: "null",
      stderr: "piped",
    }).output();
    return probe.success ? undefined : new TextDecoder().decode(probe.stderr).trim();
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return "unshare is not installed";
    throw error;
  }
}

const unavailable = await cannotMount();
if (unavailable !== undefined) {
  console.log(`disk_full_test skipped: no private tmpfs (unshare --mount): ${unavailable}`);
}

/** A mount namespace holding a tmpfs at `dir`, alive while its `sleep` runs. */
async function tmpfsNamespace(dir: string, sizeMiB: number) {
  const holder = new Deno.Command("unshare", {
    args: [
      "--mount",
      "--propagation",
      "private",
      "sh",
      "-c",
      `mount -t tmpfs -o size=${sizeMiB}m tmpfs "$0" && echo mounted && exec sleep infinity`,
      dir,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).spawn();
  const reader = holder.stdout.getReader();
  const { value } = await reader.read();
  reader.releaseLock();
  await holder.stdout.cancel();
  assert.equal(new TextDecoder().decode(value).trim(), "mounted");
  /** Runs a shell command inside the namespace; returns its exit code and stderr. */
  const inside = async (script: string) => {
    const out = await new Deno.Command("nsenter", {
      args: ["--target", String(holder.pid), "--mount", "--", "sh", "-c", script],
      stdout: "null",
      stderr: "piped",
    }).output();
    return { code: out.code, stderr: new TextDecoder().decode(out.stderr) };
  };
  return {
    pid: holder.pid,
    inside,
    async close() {
      holder.kill("SIGKILL");
      await holder.status;
    },
  };
}

Deno.test({
  name:
    "DATA_DIR full mid-stream, then freed: the writer stalls and says so, then every offset once",
  ignore: unavailable !== undefined,
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-diskfull");
    const dir = await Deno.makeTempDir({ prefix: "e2e-diskfull-" });
    const logs = await Deno.makeTempDir({ prefix: "e2e-diskfull-logs-" });
    const ns = await tmpfsNamespace(dir, 160);
    try {
      const pipeline = await startPipeline({
        dataDir: dir,
        logDir: logs,
        wrap: ["nsenter", "--target", String(ns.pid), "--mount", "--"],
        env: pipelineEnv(t, { BATCH_MAX_ROWS: "2000", LOG_LEVEL: "info" }),
      });
      const producing = produce(t.brokers, t.topic, 30_000, 0.02, 3_000);
      while ((await (await pipeline.get("/status")).json()).events.staged < 5_000) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      // dd stops at "No space left on device" (exit 1): the disk is full.
      const filled = await ns.inside(`dd if=/dev/zero of='${dir}/filler' bs=1M`);
      assert.match(filled.stderr, /No space left on device/);
      const began = Date.now();
      const answers: { status: number; reason: string }[] = [];
      while (Date.now() - began < FULL_MS) {
        const ready = await pipeline.get("/ready");
        answers.push({ status: ready.status, reason: (await ready.json()).reason ?? "" });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const lagWhileFull = await groupLag(t);
      assert.equal((await ns.inside(`rm '${dir}/filler'`)).code, 0);
      await producing;
      const ends = await caughtUp(t);
      const status = await (await pipeline.get("/status")).json();
      await pipeline.stopExpecting("SIGTERM", 0);

      const stalled = answers.filter((a) => a.status === 503);
      assert.ok(stalled.length > 0, JSON.stringify(answers));
      assert.ok(stalled.every((a) => a.reason.startsWith("writer: ")), JSON.stringify(stalled));
      assert.match(stalled.at(-1)?.reason ?? "", /No space left on device/);
      assert.ok(status.writes.failedAttempts > 0);
      // The warehouse lives in the namespace: read a copy taken from inside it.
      const copied = await ns.inside(`cp '${dir}'/warehouse.duckdb* '${logs}/'`);
      assert.equal(copied.code, 0, copied.stderr);
      const got = await readWarehouse(`${logs}/warehouse.duckdb`, t.topic);
      assert.deepEqual(exactlyOnceProblems(got, ends), []);
      console.log(JSON.stringify({
        filled: filled.stderr.trim().split("\n").at(-1),
        fullS: FULL_MS / 1000,
        readyAnswers: `${stalled.length} of ${answers.length} were 503`,
        sampleReason: stalled.at(-1)?.reason,
        lagWhileFull,
        failedAttempts: status.writes.failedAttempts,
        offsetsChecked: [...ends.values()].reduce((a, b) => a + b, 0),
      }));
    } finally {
      await ns.close();
      await Deno.remove(dir, { recursive: true });
      await Deno.remove(logs, { recursive: true });
    }
  },
});
