/**
 * A topic deleted and recreated under a warehouse that holds its watermarks, end to end: the
 * pipeline ingests and exports, stops; the topic is recreated (new id, offsets from 0, a shorter
 * log) and refilled; at the next start no new event is counted as a replay: each partition stops
 * with an error naming the topic, the partition and both offsets, `/ready` says so, nothing is
 * committed. After the documented reset (`main.ts reset-partition`), every new event is staged
 * once, under the new watermark epoch.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, queryWarehouse, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const MAIN = new URL("../../main.ts", import.meta.url).pathname;

async function committedOffsets(t: { brokers: string; topic: string; group: string }) {
  const admin = new Kafka({ brokers: [t.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const [found] = await admin.fetchOffsets({ groupId: t.group, topics: [t.topic] });
    return (found?.partitions ?? []).map((p) => Number(p.offset));
  } finally {
    await admin.disconnect();
  }
}

async function recreate(t: { brokers: string; topic: string }, partitions: number) {
  const admin = new Kafka({ brokers: [t.brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.deleteTopics({ topics: [t.topic] });
    for (let tries = 0;; tries++) {
      try {
        await admin.createTopics({
          topics: [{ topic: t.topic, numPartitions: partitions }],
          waitForLeaders: true,
        });
        return;
      } catch (error: unknown) {
        // The deletion is still under way on the broker: try again shortly.
        if (tries > 50 || !(error instanceof Error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  } finally {
    await admin.disconnect();
  }
}

Deno.test({
  name:
    "a recreated topic is refused partition by partition, never counted as replays; after the reset every new event is staged once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-recreated", 3);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-recreated-" });
    const env = pipelineEnv(t);
    const db = `${dataDir}/warehouse.duckdb`;

    // The old topic: ingested, exported, stopped.
    await produce(t.brokers, t.topic, 9_000, 0.02);
    const old = await startPipeline({ dataDir, env });
    await caughtUp(t);
    const exported = await (await fetch(`http://127.0.0.1:${old.controlPort}/export`, {
      method: "POST",
      headers: { authorization: `Bearer ${old.token}` },
    })).json();
    await old.stopExpecting("SIGTERM", 0);
    const watermarks = await queryWarehouse(
      db,
      `SELECT "partition", max_offset FROM ingest_watermarks ORDER BY 1`,
    );

    // The same name, a new log with fewer events.
    await recreate(t, 3);
    await produce(t.brokers, t.topic, 1_500, 0.02);
    const refused = await startPipeline({ dataDir, env });
    let ready: { ready: boolean; reason?: string } = { ready: true };
    while (ready.ready || (ready.reason?.match(/halted/g) ?? []).length < 3) {
      ready = await (await refused.get("/ready")).json();
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    const during = await (await refused.get("/status")).json();
    await refused.stopExpecting("SIGTERM", 0);
    assert.equal(during.events.replayed, 0, "no new event counted as a replay");
    assert.equal(during.events.staged, 0);
    assert.ok(during.events.held > 0);
    for (const [partition, maxOffset] of watermarks) {
      const pattern = new RegExp(
        `partition ${t.topic}/${partition} halted: Refusing topic ${t.topic} partition ` +
          `${partition}: (the warehouse stored offsets up to ${maxOffset} .* topic id|its log ` +
          `ends at offset \\d+ but the warehouse stored offsets up to ${maxOffset})`,
      );
      assert.match(ready.reason ?? "", pattern);
    }
    assert.deepEqual(await committedOffsets(t), [-1, -1, -1], "nothing of the new log committed");

    // The documented reset, then the new log is ingested.
    const reset = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        MAIN,
        "reset-partition",
        "--partition",
        "all",
        "--reason",
        "topic recreated (test)",
      ],
      env: { ...env, DATA_DIR: dataDir },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const printed = new TextDecoder().decode(reset.stdout).trim().split("\n");
    assert.equal(reset.code, 0, new TextDecoder().decode(reset.stderr));
    assert.deepEqual(printed.map((line) => JSON.parse(line).epoch), [1, 1, 1]);
    const after = await startPipeline({ dataDir, env });
    const ends = await caughtUp(t);
    const status = await (await after.get("/status")).json();
    await after.stopExpecting("SIGTERM", 0);

    const got = await readWarehouse(db, t.topic, undefined, 1);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    assert.equal(status.events.replayed, 0);
    const staged = [...got.staged.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(staged, status.events.staged, "every row staged after the reset is in epoch 1");
    console.log(JSON.stringify({
      oldEvents: 9_000,
      exported: exported.rows,
      oldWatermarks: watermarks.map(([p, o]) => `${p}:${o}`),
      newEvents: 1_500,
      heldWhileRefused: during.events.held,
      readyWhileRefused: ready.reason,
      resets: printed.length,
      stagedAfterReset: status.events.staged,
      deadLetteredAfterReset: status.events.deadLettered,
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
