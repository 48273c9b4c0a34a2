import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { BigQuery } from "@google-cloud/bigquery";
import type { ChunkSpan } from "../../../messages/chunk_position.ts";
import { testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import { runExport } from "../../exporter/export_run.ts";
import { FolderLake } from "../../exporter/folder_lake.ts";
import { concatBatches, syntheticBatch } from "../testing.ts";
import { adoptUnfencedSeals } from "./dataset_upgrade.ts";
import { str } from "./client.ts";
import { encodeStagingRows, timestamp } from "./row_encoding.ts";
import { ensureTable, missingFields, STAGING_SPEC, stagingTable, TABLES } from "./schema.ts";
import { streamRows } from "./stream_rows.ts";
import { uniqueDataset, warehouseOn } from "./testing.ts";
import { committedDeadLetters } from "./visible_rows.ts";

// Started before the tests, so the emulator process is not counted as a test's resource.
const emulator = await testBigQuery();

const TOPIC = "product_view";
/** Fields this version declares that the version before watermark epochs and fenced seals lacked. */
const ADDED: Record<string, readonly string[]> = {
  write_commits: ["epoch", "topic_id"],
  generation_events: ["covered"],
  dead_letters: ["offset_epoch"],
  staging: ["_offset_epoch", "ua_engine", "ua_cpu_architecture", "ua_is_bot_strict"],
};
const oldSpec = (name: string, spec = TABLES[name] ?? STAGING_SPEC) => ({
  ...spec,
  fields: spec.fields.filter((f) => !(ADDED[name] ?? []).includes(f.name)),
});

/** What the older version wrote, row for row, into `dataset` (see the test for the story). */
class OlderVersion {
  #at = Date.parse("2026-11-01T00:00:00Z");
  #batch = 0;
  constructor(readonly client: BigQuery, readonly dataset: string) {}

  async createSchema(): Promise<void> {
    const dataset = this.client.dataset(this.dataset);
    await dataset.create();
    // Its tables, as it declared them (no partition_epochs table yet).
    for (const name of Object.keys(TABLES).filter((n) => n !== "partition_epochs")) {
      await ensureTable(dataset, name, oldSpec(name));
    }
  }

  async event(generation: number, state: string, rowCount: number | null = null) {
    if (state === "open") {
      await ensureTable(this.client.dataset(this.dataset), stagingTable(generation), {
        ...oldSpec("staging"),
      });
    }
    await streamRows(this.client, this.dataset, "generation_events", [{
      insertId: `${generation}-${state}`,
      json: { generation, state, row_count: rowCount, at: timestamp(this.#at++) },
    }]);
  }

  /** Stages rows `from..to` of `partition` in `generation` (unless dropped) and commits them. */
  async write(
    generation: number,
    partition: number,
    from: number,
    to: number,
    dead: number[] = [],
  ) {
    const offsets = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const rows = concatBatches(
      offsets.filter((o) => !dead.includes(o)).map((o) =>
        syntheticBatch({ fromOffset: o, count: 1, partition, topic: TOPIC })
      ),
    );
    const withheld = new Set(ADDED.staging);
    const epochs = new Array<number>(rows.rowCount).fill(0);
    const staged = encodeStagingRows(rows, this.#at, epochs, withheld);
    const table = stagingTable(generation);
    const [exists] = await this.client.dataset(this.dataset).table(table).exists();
    if (exists) await streamRows(this.client, this.dataset, table, staged);
    await streamRows(
      this.client,
      this.dataset,
      "dead_letters",
      dead.map((offset) => ({
        insertId: `${TOPIC}-${partition}-${offset}`,
        json: {
          topic: TOPIC,
          kafka_partition: partition,
          kafka_offset: offset,
          kafka_timestamp_ms: 1_591_000_000_000 + offset,
          code: "not_json",
          reason: "old version's dead letter",
          raw_base64: btoa(`raw ${offset}`),
          ingested_at: timestamp(this.#at),
        },
      })),
    );
    await streamRows(this.client, this.dataset, "write_commits", [{
      insertId: `${generation}-${TOPIC}-${partition}-${from}-${to}`,
      json: {
        generation,
        topic: TOPIC,
        kafka_partition: partition,
        from_offset: from,
        to_offset: to,
        batch_id: `old-batch-${++this.#batch}`,
        committed_at: timestamp(this.#at++),
      },
    }]);
  }
}

/** A chunk as the consumer hands it over after the older version's last commit. */
const chunk = (chunkId: number, partition: number, first: number, last: number): ChunkSpan => ({
  chunkId,
  topic: TOPIC,
  partition,
  position: {
    topicId: "topic-id-1",
    prevOffset: first - 1,
    fromCommit: true,
    firstOffset: first,
    lastOffset: last,
    logEnd: 1_000,
  },
  rowCount: last - first + 1,
  deadLetterCount: 0,
});

async function lakeOffsets(root: string): Promise<string[]> {
  const duck = await DuckDBInstance.create(":memory:");
  const connection = await duck.connect();
  try {
    const read = await connection.runAndReadAll(
      `SELECT _partition || ':' || _offset FROM read_parquet('${root}/bronze/summary/**/*.parquet')
       ORDER BY _partition, _offset`,
    );
    return read.getRowsJS().map((r) => String(r[0]));
  } finally {
    connection.closeSync();
    duck.closeSync();
  }
}

const range = (partition: number, from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `${partition}:${from + i}`);

Deno.test("BigQuery: a dataset made before watermark epochs and fenced seals is upgraded at open and written exactly once", async () => {
  const client = new BigQuery({ projectId: emulator.projectId, apiEndpoint: emulator.endpoint });
  const dataset = uniqueDataset("older");
  const old = new OlderVersion(client, dataset);
  // The older version's story: generation 1 exported and dropped (two dead letters among it),
  // generation 2 sealed but not exported yet, with a batch that committed into it after its seal
  // (unfenced seals let that happen; its watermark counted it), generation 3 open.
  await old.createSchema();
  await old.event(1, "open");
  await old.write(1, 0, 0, 99, [40, 41]);
  await old.write(1, 1, 0, 49);
  await old.event(1, "sealed", 148);
  await old.event(2, "open");
  await streamRows(client, dataset, "export_manifest", [{
    insertId: "1-old",
    json: {
      generation: 1,
      location: "/old/lake/bronze/summary",
      row_count: 148,
      exported_at: timestamp(Date.parse("2026-11-01T01:00:00Z")),
      files: ["part-g1-0.parquet"],
      bytes: 1,
      checksum: "old",
      recorded_us: 1,
    },
  }]);
  await old.event(1, "dropped");
  await client.dataset(dataset).table(stagingTable(1)).delete();
  await old.write(2, 0, 100, 149);
  await old.event(2, "sealed", 50);
  await old.write(2, 1, 50, 59);
  await old.event(3, "open");
  await old.write(3, 0, 150, 199);
  await old.write(3, 1, 60, 79);

  const warehouse = warehouseOn(emulator, dataset);
  const lake = await Deno.makeTempDir({ prefix: "bq_older_" });
  try {
    await warehouse.open();
    const staging = [2, 3].map((g) => [stagingTable(g), STAGING_SPEC] as const);
    for (const [name, spec] of [...Object.entries(TABLES), ...staging]) {
      assert.deepEqual(await missingFields(client.dataset(dataset), name, spec), [], name);
    }
    const marks = (await warehouse.watermarks()).map((w) => [w.partition, w.maxOffset, w.epoch]);
    assert.deepEqual(marks.sort(), [[0, 199, 0], [1, 79, 0]]);

    // The consumer goes on from the older version's commits, with a replayed stretch.
    const rows = concatBatches([
      syntheticBatch({ fromOffset: 190, count: 60, partition: 0, topic: TOPIC }),
      syntheticBatch({ fromOffset: 80, count: 20, partition: 1, topic: TOPIC }),
    ]);
    const written = await warehouse.writeBatch({
      rows,
      deadLetters: [],
      chunks: [chunk(1, 0, 190, 249), chunk(2, 1, 80, 99)],
    });
    assert.deepEqual(
      [written.generation, written.staged, written.replayed, written.refusals],
      [3, 70, 10, []],
    );
    assert.deepEqual(written.acceptedChunkIds, [1, 2]);

    // Generation 2 is exported with the late batch its seal now covers, then generation 3.
    const summary = await runExport({ warehouse, lake: new FolderLake(lake) });
    assert.deepEqual(summary.generations.map((g) => [g.generation, g.rows]), [[2, 60], [3, 140]]);
    const exported = await lakeOffsets(lake);
    assert.deepEqual(exported, [...range(0, 100, 249), ...range(1, 50, 99)]);
    // Generation 1 went to the older version's lake, but for its two dead letters, which count.
    const dead = (await warehouse.query(
      `SELECT CONCAT(CAST(kafka_partition AS STRING), ':', CAST(kafka_offset AS STRING)) AS k
       FROM (${committedDeadLetters(dataset)})
       ORDER BY kafka_partition, kafka_offset`,
    )).map((r) => str(r, "k"));
    assert.deepEqual(dead, ["0:40", "0:41"]);
    const marksAfter = (await warehouse.watermarks()).map((w) => [w.partition, w.maxOffset]);
    assert.deepEqual(marksAfter.sort(), [[0, 249], [1, 99]]);
    // Opened again (or by another process): nothing is left to upgrade or adopt.
    assert.deepEqual(await adoptUnfencedSeals(client, dataset), []);
  } finally {
    await warehouse.close();
    await Deno.remove(lake, { recursive: true });
  }
});
