/**
 * `STALL_EXIT_AFTER_MS` through the real process: with the warehouse unreachable (nothing listens
 * at the BigQuery endpoint), the writer stalls, and once it has been stuck for the limit the
 * process exits with code 75 and one `PipelineStalledExit` line naming the stage and the reason.
 */
import assert from "node:assert/strict";
import { freePorts } from "../free_port.ts";
import { PERMISSIONS } from "../pipeline_process.ts";
import { freshTopic, pipelineEnv } from "./ingestion_fixture.ts";

Deno.test({
  name:
    "a stage stuck for STALL_EXIT_AFTER_MS ends the process with code 75 and one line saying why",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-stall-exit", 1);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-stall-exit-" });
    const [nobody, control] = freePorts(2) as [number, number];
    const started = performance.now();
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["run", ...PERMISSIONS, new URL("../../main.ts", import.meta.url).pathname, "start"],
      env: {
        ...pipelineEnv(t, {
          WAREHOUSE: "bigquery:test-project.stall_exit",
          BIGQUERY_ENDPOINT: `http://127.0.0.1:${nobody}`,
          METADATA_SERVER_DETECTION: "none",
          STALL_EXIT_AFTER_MS: "3000",
          LOG_LEVEL: "info",
        }),
        DATA_DIR: dataDir,
        CONTROL_PORT: String(control),
        CONTROL_TOKEN: crypto.randomUUID(),
      },
      stdout: "null",
      stderr: "piped",
    }).output();
    const seconds = (performance.now() - started) / 1000;
    const lines = new TextDecoder().decode(out.stderr).split("\n").filter((l) => l.includes("{"));
    const exits = lines.filter((l) => l.includes('"event":"PipelineStalledExit"'));
    assert.equal(out.code, 75, lines.slice(-5).join("\n"));
    assert.equal(exits.length, 1);
    const exit = JSON.parse(exits[0] ?? "{}");
    assert.equal(exit.stage, "writer");
    assert.match(exit.reason, /open the warehouse failed: .*ECONNREFUSED/);
    assert.ok(exit.stuckMs >= 3_000);
    console.log(JSON.stringify({ exitCode: out.code, seconds: Math.round(seconds), exit }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
