/**
 * The pipeline's edges through the real process: a control token file left empty by an earlier
 * start is replaced; POST takes the token only from its header; a foreign Host gets 421; METRICS_
 * PORT serves /metrics without the token; DATA_DIR and everything in it is private to the user;
 * a second start on the same DATA_DIR exits with one line naming the first one's pid; and with
 * every kafkajs debug switch on, no message byte and no URL credential reaches the log.
 */
import assert from "node:assert/strict";
import { rawStatus } from "../raw_http.ts";
import { Buffer } from "node:buffer";
import { Kafka, logLevel } from "kafkajs";
import { EXIT_DATA_DIR_IN_USE } from "../../commands/exit_codes.ts";
import { freePorts } from "../free_port.ts";
import { PERMISSIONS, startPipeline } from "../pipeline_process.ts";
import { parsePrometheus } from "../prometheus.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;
const CANARY = "canary-7c3e@example.com";
/** The canary's bytes as a JSON number list, how a Buffer prints when it is logged as data. */
const CANARY_BYTES = [...new TextEncoder().encode(CANARY)].join(",");

/** Every path under `dir` with its permission bits, the test's own log files left out. */
async function modes(dir: string, into = new Map<string, number>()): Promise<Map<string, number>> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (/^pipeline-\d+\.log$/.test(entry.name)) continue;
    into.set(path, ((await Deno.lstat(path)).mode ?? 0) & 0o777);
    if (entry.isDirectory) await modes(path, into);
  }
  return into;
}

async function status(response: Promise<Response>): Promise<number> {
  const r = await response;
  await r.body?.cancel();
  return r.status;
}

async function produceCanaries(brokers: string, topic: string) {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const event = { time_stamp: 1_591_266_092, email_address: CANARY, collection: "checkout" };
  await producer.send({
    topic,
    messages: [
      { value: Buffer.from(JSON.stringify(event)) },
      { value: Buffer.from(`not json, still personal: ${CANARY}`) },
    ],
  });
  await producer.disconnect();
}

Deno.test({
  name: "the process guards its token, control plane, files, data directory and logs",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-edges", 2);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-edges-" });
    await Deno.chmod(dataDir, 0o755);
    await Deno.writeTextFile(`${dataDir}/control-token`, "", { mode: 0o644 }); // a crashed start
    const [metricsPort] = freePorts(1) as [number];
    const env = pipelineEnv(t, {
      LOG_LEVEL: "debug",
      KAFKAJS_LOG_LEVEL: "debug",
      KAFKAJS_DEBUG_PROTOCOL_BUFFERS: "1",
      KAFKAJS_DEBUG_EXTENDED_PROTOCOL_BUFFERS: "1",
      BIGQUERY_ENDPOINT: "http://svc:hunter2-secret@127.0.0.1:9/",
      METRICS_PORT: String(metricsPort),
    });
    const pipeline = await startPipeline({ dataDir, env, tokenFromFile: true });
    let stopped = false;
    try {
      await produceCanaries(t.brokers, t.topic);
      await produce(t.brokers, t.topic, 300, 0.05);
      await caughtUp(t);
      const base = `http://127.0.0.1:${pipeline.controlPort}`;

      // The empty token file was replaced by a private, long one; an empty ?token= opens nothing.
      assert.match(pipeline.token, /^[0-9a-f]{48}$/);
      assert.equal(await status(fetch(`${base}/?token=`)), 401);
      assert.equal(await status(fetch(`${base}/?token=${pipeline.token}`)), 200);

      // POST takes the token from its header only; a foreign Host is told off.
      const byQuery = fetch(`${base}/export?token=${pipeline.token}`, { method: "POST" });
      assert.equal(await status(byQuery), 401);
      const exported = await fetch(`${base}/export`, {
        method: "POST",
        headers: { authorization: `Bearer ${pipeline.token}` },
      });
      assert.equal(exported.status, 200, await exported.clone().text());
      assert.ok((await exported.json()).rows > 0);
      const rebound = `GET /ready HTTP/1.1\r\nHost: attacker.example\r\nConnection: close\r\n\r\n`;
      assert.equal(await rawStatus(pipeline.controlPort, rebound), 421);

      // METRICS_PORT: scrapes without the token; the control port still wants it.
      assert.equal(await status(fetch(`${base}/metrics`)), 401);
      const scraped = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      assert.ok(parsePrometheus(scraped).some((f) => f.name === "pipeline_events_total"));

      // Private files: the directory 0700, everything in it 0700 (folders) or 0600 (files).
      const found = await modes(dataDir);
      assert.equal(((await Deno.stat(dataDir)).mode ?? 0) & 0o777, 0o700);
      assert.ok([...found.keys()].some((p) => p.endsWith(".parquet")), [...found.keys()].join());
      assert.ok(found.has(`${dataDir}/warehouse.duckdb`));
      const open = [...found].filter(([path, mode]) =>
        mode !== ((Deno.statSync(path).isDirectory) ? 0o700 : 0o600)
      ).map(([path, mode]) => `${path} ${mode.toString(8)}`);
      assert.deepEqual(open, []);

      // A second start on the same DATA_DIR: one line naming the running one's pid, exit 6.
      const [otherPort] = freePorts(1) as [number];
      const second = await new Deno.Command(Deno.execPath(), {
        args: ["run", ...PERMISSIONS, MAIN, "start"],
        env: { ...env, DATA_DIR: dataDir, CONTROL_PORT: String(otherPort), METRICS_PORT: "0" },
        stdout: "piped",
        stderr: "piped",
      }).output();
      const lines = new TextDecoder().decode(second.stderr).trim().split("\n");
      assert.equal(second.code, EXIT_DATA_DIR_IN_USE);
      assert.equal(lines.length, 1, lines.join("\n"));
      const line = JSON.parse(lines[0] ?? "{}");
      assert.equal(line.event, "PipelineDataDirInUse");
      assert.equal(line.pid, pipeline.pid);
      assert.match(line.message, new RegExp(`in use by process ${pipeline.pid} \\(it holds`));

      await pipeline.stopExpecting("SIGTERM", 0);
      stopped = true;
      const log = await Deno.readTextFile(pipeline.logFile);
      assert.match(log, /"event":"ControlTokenReplaced"/);
      assert.match(log, /"level":"debug","component":"kafkajs","event":"KafkaConnection"/);
      assert.match(log, /"message":"Response Fetch/, "kafkajs logged its fetches");
      for (const secret of [CANARY, CANARY_BYTES, "hunter2-secret", pipeline.token]) {
        assert.equal(log.includes(secret), false, `the log holds ${secret}`);
      }
      assert.match(log, /http:\/\/\*\*\*@127\.0\.0\.1:9\//);
    } finally {
      if (!stopped) await pipeline.stop("SIGKILL");
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
