/**
 * Producer-chosen Kafka timestamps end to end (embedded warehouse): on a topic that accepts any
 * CreateTime, records stamped 2^53 ms and in year 10000 (events with and without their own
 * time_stamp, and values that are not JSON) among 20,000 clean ones; then two exports. Both
 * exports succeed, rows without a representable date land in the fallback partition, and every
 * offset is exactly once across the lake, staging and dead letters.
 */
import assert from "node:assert/strict";
import { Kafka, logLevel } from "kafkajs";
import { Buffer } from "node:buffer";
import { startPipeline } from "../pipeline_process.ts";
import { exactlyOnceProblems, queryWarehouse, readWarehouse } from "../warehouse_probe.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

const TWO_POW_53 = "9007199254740992";
const YEAR_10000 = String(Date.UTC(10000, 0, 1));

/** Sends `count` records of each hostile kind, spread over the partitions. */
async function sendStamped(brokers: string, topic: string, round: number): Promise<number> {
  const producer = new Kafka({ brokers: [brokers], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  const values = [
    // A whole event with its own time: the Kafka stamp is only stored (or left null).
    JSON.stringify({
      collection: "view_product_detail",
      product_id: String(100 + round),
      time_stamp: 1_591_266_092,
    }),
    // No event time: the Kafka stamp would be the partition date.
    JSON.stringify({ collection: "view_listing_page", current_url: "https://www.glamira.de/" }),
    // Not JSON: a dead letter whose Kafka stamp must be storable too.
    "not json at all",
  ];
  const messages = [TWO_POW_53, YEAR_10000].flatMap((timestamp) =>
    values.flatMap((value, i) =>
      [0, 1, 2].map((partition) => ({
        partition: (partition + i) % 6,
        timestamp,
        value: Buffer.from(value),
      }))
    )
  );
  await producer.send({ topic, messages });
  await producer.disconnect();
  return messages.length;
}

async function exportNow(pipeline: { controlPort: number; token: string }) {
  const response = await fetch(`http://127.0.0.1:${pipeline.controlPort}/export`, {
    method: "POST",
    headers: { authorization: `Bearer ${pipeline.token}` },
  });
  return { status: response.status, body: await response.json() };
}

Deno.test({
  name:
    "CreateTimes of 2^53 and year 10000 among 20,000 clean events: two exports succeed, every offset once",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-stamps", 6, {
      "message.timestamp.type": "CreateTime",
      "message.timestamp.after.max.ms": "9223372036854775807",
      "message.timestamp.before.max.ms": "9223372036854775807",
    });
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-stamps-" });
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t) });
    let hostile = await sendStamped(t.brokers, t.topic, 1);
    await produce(t.brokers, t.topic, 10_000, 0);
    hostile += await sendStamped(t.brokers, t.topic, 2);
    await caughtUp(t);
    const first = await exportNow(pipeline);
    await produce(t.brokers, t.topic, 10_000, 0);
    hostile += await sendStamped(t.brokers, t.topic, 3);
    const ends = await caughtUp(t);
    const second = await exportNow(pipeline);
    const status = await (await pipeline.get("/status")).json();
    await pipeline.stopExpecting("SIGTERM", 0);

    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const lake = `${dataDir}/lake`;
    const got = await readWarehouse(`${dataDir}/warehouse.duckdb`, t.topic, lake);
    assert.deepEqual(exactlyOnceProblems(got, ends), []);
    assert.deepEqual(got.orphans, []);
    const inLake = [...got.exported.values()].reduce((n, l) => n + l.length, 0);
    assert.equal(inLake, first.body.rows + second.body.rows);
    assert.equal(got.deadByCode.not_json, 18, "the 18 non-JSON records are dead letters");
    assert.equal(status.events.fixed, 18 + 9, "2^53 stamps left null on 18 rows, 9 dead letters");
    // The lake: rows without a representable date are in the fallback partition, and the 2^53
    // stamps are null with a field problem.
    const fallback = `${lake}/bronze/summary/dt=__HIVE_DEFAULT_PARTITION__`;
    const [[inFallback, nullStamps, problems]] = await queryWarehouse(
      `${dataDir}/warehouse.duckdb`,
      `SELECT count(*) FILTER (filename LIKE '${fallback}/%'),
              count(*) FILTER (_kafka_timestamp_ms IS NULL),
              count(*) FILTER (list_any_value(list_filter(field_problems,
                p -> p LIKE '_kafka_timestamp_ms: 9007199254740992 is not an integer%')) IS NOT NULL)
       FROM read_parquet('${lake}/bronze/summary/*/*.parquet', filename = true)`,
    ) as [[bigint, bigint, bigint]];
    assert.equal(Number(inFallback), 18, "no event time and a stamp of 2^53 or year 10000");
    assert.equal(Number(nullStamps), 18);
    assert.equal(Number(problems), 18);
    console.log(JSON.stringify({
      clean: 20_000,
      hostileStamped: hostile,
      exports: [first.body.rows, second.body.rows],
      fallbackRows: Number(inFallback),
      fixed: status.events.fixed,
      offsetsChecked: [...ends.values()].reduce((a, b) => a + b, 0),
    }));
    await Deno.remove(dataDir, { recursive: true });
  },
});
