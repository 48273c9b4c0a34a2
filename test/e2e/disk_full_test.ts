/**
 * A full disk under the embedded warehouse, end to end: `DATA_DIR` is a small tmpfs in a private
 * mount namespace (`unshare --mount`, which needs root; skipped, saying why, where it is not
 * possible), the pipeline runs inside it (`nsenter`), and the test fills the tmpfs mid-stream
 * through `/proc/<pid>/root`. While DuckDB cannot write, `/ready` names the writer and nothing is
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
  return {
    pid: holder.pid,
    /** `path` inside the namespace, as this process can reach it. */
    outside: (path: string) => `/proc/${holder.pid}/root${path}`,
    async close() {
      holder.kill("SIGKILL");
      await holder.status;
    },
  };
}

/** Writes zeros to `path` until the file system is full; returns the bytes written. */
async function fill(path: string): Promise<number> {
  const file = await Deno.open(path, { create: true, write: true });
  const block = new Uint8Array(1024 * 1024);
  let written = 0;
  try {
    for (;;) written += await file.write(block);
  } catch (error: unknown) {
    // The point: the disk is full now.
    if (!(error instanceof Error && /No space left/.test(error.message))) throw error;
  } finally {
    file.close();
  }
  return written;
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
      const filled = await fill(ns.outside(`${dir}/filler`));
      const began = Date.now();
      const answers: { status: number; reason: string }[] = [];
      while (Date.now() - began < FULL_MS) {
        const ready = await pipeline.get("/ready");
        answers.push({ status: ready.status, reason: (await ready.json()).reason ?? "" });
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
      const lagWhileFull = await groupLag(t);
      await Deno.remove(ns.outside(`${dir}/filler`));
      await producing;
      const ends = await caughtUp(t);
      const status = await (await pipeline.get("/status")).json();
      assert.equal((await pipeline.stop("SIGTERM")).code, 0);

      const stalled = answers.filter((a) => a.status === 503);
      assert.ok(stalled.length > 0, JSON.stringify(answers));
      assert.ok(stalled.every((a) => a.reason.startsWith("writer: ")), JSON.stringify(stalled));
      assert.match(stalled.at(-1)?.reason ?? "", /No space left on device/);
      assert.ok(status.writes.failedAttempts > 0);
      // DuckDB resolves /proc/<pid>/root away: read a copy taken through it instead.
      for (const name of ["warehouse.duckdb", "warehouse.duckdb.wal"]) {
        await Deno.copyFile(ns.outside(`${dir}/${name}`), `${logs}/${name}`).catch(
          (error: unknown) => {
            if (!(error instanceof Deno.errors.NotFound)) throw error;
          },
        );
      }
      const got = await readWarehouse(`${logs}/warehouse.duckdb`, t.topic);
      assert.deepEqual(exactlyOnceProblems(got, ends), []);
      console.log(JSON.stringify({
        filledMiB: Math.round(filled / 2 ** 20),
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
