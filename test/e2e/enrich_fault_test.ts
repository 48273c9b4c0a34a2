/**
 * Enrichment failures end to end, with the test fault switch: an exception while enriching one
 * chosen event costs exactly that event (one `enrich_failed` dead letter with its raw bytes, its
 * chunk's other events staged); an enricher Worker that dies without saying which event killed it,
 * on every try, costs its chunk (the last resort: one `poison` dead letter per event). Either way
 * every offset is exactly once in staging or the dead letters.
 */
import assert from "node:assert/strict";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, queryWarehouse, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";
import { actorsOf } from "../../actors/runtime/snapshot.ts";

Deno.test({
  name:
    "a throw on one chosen event gives one enrich_failed dead letter; a Worker dying on a chunk poisons only that chunk",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-enrich-fault", 3);
    await produce(t.brokers, t.topic, 12_000, 0);
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-enrich-fault-" });
    const pipeline = await startPipeline({
      dataDir,
      env: pipelineEnv(t, {
        PIPELINE_TEST_FAULTS: JSON.stringify({
          enrichThrowAt: { partition: 0, offset: 1_234 },
          enrichCrashAt: { partition: 1, offset: 777 },
        }),
      }),
    });
    const ends = await caughtUp(t);
    const status = await (await pipeline.get("/status")).json();
    await pipeline.stopExpecting("SIGTERM", 0);

    const db = `${dataDir}/warehouse.duckdb`;
    const got = await readWarehouse(db, t.topic);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    const failed = await queryWarehouse(
      db,
      `SELECT "partition", "offset", reason, octet_length(raw) FROM dead_letters
       WHERE code = 'enrich_failed'`,
    );
    assert.equal(failed.length, 1);
    assert.deepEqual(failed[0]?.slice(0, 2), [0, 1_234n]);
    assert.match(String(failed[0]?.[2]), /injected enrichment failure at 0@1234/);
    assert.ok(Number(failed[0]?.[3]) > 100, "the raw event is kept");
    // Its neighbours: every other offset of partition 0 is staged.
    const p0 = got.staged.get(0) ?? [];
    assert.equal(p0.length, (ends.get(0) ?? 0) - 1);
    // The chunk whose Worker kept dying: one poison dead letter per event, one contiguous run of
    // partition 1 around offset 777, and nothing else of partition 1 lost.
    const poison = (await queryWarehouse(
      db,
      `SELECT "offset" FROM dead_letters WHERE code = 'poison' ORDER BY 1`,
    )).map(([o]) => Number(o));
    assert.ok(poison.length >= 1 && poison.length <= 2_000, `${poison.length} poison`);
    assert.ok(poison.includes(777));
    assert.equal(poison.at(-1)! - poison[0]! + 1, poison.length, "one contiguous chunk");
    const enricher = actorsOf(status.supervision).find((c) => c.name === "enricher")!;
    assert.equal(enricher.deadLetters, 1, "the pool gave up on exactly one chunk");
    assert.equal(enricher.restarts, 3);
    console.log(JSON.stringify({
      events: 12_000,
      enrichFailed: failed.length,
      poisonChunk: poison.length,
      enricherRestarts: enricher.restarts,
      stagedOfPartition0: p0.length,
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
