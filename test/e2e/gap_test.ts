/**
 * A write batch lost on its way to the writer (what a dead-lettered batch used to be), end to end
 * with the test fault: the next batch of the same partitions would move their watermarks across
 * offsets never stored, so the writer refuses it and says so; the consumer re-reads from its last
 * commit, and every offset ends up exactly once. Replays never hide the gap.
 */
import assert from "node:assert/strict";
import { startPipeline } from "../pipeline_process.ts";
import { metricValue } from "../prometheus.ts";
import { exactlyOnceProblems, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

Deno.test({
  name:
    "a lost batch is a gap the writer refuses to cross; re-read from the commit, every offset once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-gap", 3);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-gap-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        BATCH_MAX_ROWS: "1000",
        LOG_LEVEL: "info",
        PIPELINE_TEST_FAULTS: JSON.stringify({ loseBatch: 3 }),
      }),
    });
    await produce(t.brokers, t.topic, 15_000, 0.02, 5_000);
    const ends = await caughtUp(t);
    const metrics = await (await pipeline.get("/metrics")).text();
    const status = await (await pipeline.get("/status")).json();
    await pipeline.stopExpecting("SIGTERM", 0);

    const gaps = metricValue(metrics, "pipeline_partition_refusals_total", { kind: "gap" });
    assert.ok(gaps >= 1, `${gaps} gap refusals`);
    const log = await Deno.readTextFile(pipeline.logFile);
    assert.match(log, /"event":"PipelineBatchLostForTest"/);
    assert.match(log, /"event":"WriterPartitionRefused".*"kind":"gap".*would be skipped/);
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    console.log(JSON.stringify({
      events: 15_000,
      gapRefusals: gaps,
      held: status.events.held,
      replayed: status.events.replayed,
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
