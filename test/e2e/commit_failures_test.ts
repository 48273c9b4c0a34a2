/**
 * Offset commits that fail, during rebalances, end to end: the pipeline's consumer fails every
 * third commit request (test fault) while another member joins its group, takes partitions for a
 * while without committing anything, and leaves again. The consumer never crashes, the failures
 * are counted and retried, and every offset ends up exactly once in the warehouse.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { startPipeline } from "../pipeline_process.ts";
import { metricValue } from "../prometheus.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";
import { actorsOf } from "../../actors/runtime/snapshot.ts";

Deno.test({
  name:
    "commits failing during a rebalance: no crash, no loss, the failures are counted and retried",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-commits");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-commits-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        BATCH_MAX_ROWS: "2000",
        PIPELINE_TEST_FAULTS: JSON.stringify({ failEveryNthCommit: 3 }),
      }),
    });
    const producing = produce(t.brokers, t.topic, 30_000, 0.02, 3_000);
    while ((await (await pipeline.get("/status")).json()).events.staged < 3_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // Another member of the group: it takes partitions, reads, and commits nothing.
    const intruder = new Kafka({ brokers: [t.brokers], logLevel: logLevel.NOTHING }).consumer({
      groupId: t.group,
      sessionTimeout: 10_000,
      rebalanceTimeout: 10_000,
    });
    let read = 0;
    const joined = Promise.withResolvers<void>();
    intruder.on(intruder.events.GROUP_JOIN, () => joined.resolve());
    await intruder.connect();
    await intruder.subscribe({ topics: [t.topic], fromBeginning: true });
    await intruder.run({
      autoCommit: false,
      eachMessage: () => {
        read++;
        return Promise.resolve();
      },
    });
    await joined.promise;
    while (read < 1_000) await new Promise((resolve) => setTimeout(resolve, 100));
    await intruder.disconnect();
    await producing;
    const ends = await caughtUp(t);
    const status = await (await pipeline.get("/status")).json();
    const metrics = await (await pipeline.get("/metrics")).text();
    await pipeline.stopExpecting("SIGTERM", 0);

    const consumer = actorsOf(status.supervision).find((c) => c.name === "consumer")!;
    assert.equal(consumer.restarts, 0, `the consumer never crashed: ${consumer.lastError}`);
    const failures = metricValue(metrics, "pipeline_consumer_commit_failures_total");
    assert.ok(failures >= 3, `${failures} commit failures counted`);
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    console.log(JSON.stringify({
      events: 30_000,
      readByIntruder: read,
      commitFailures: failures,
      consumerRestarts: consumer.restarts,
      replayed: status.events.replayed,
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
