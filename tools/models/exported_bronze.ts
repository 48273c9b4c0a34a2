/**
 * Bronze as the pipeline itself writes it, for the models' tests: generated events (seeded, as
 * the fixture spreads them over partitions and days) through the real enricher into a real
 * DuckDB warehouse, product names merged as the crawler merges them (most named, some 403s, some
 * left uncrawled), then the real export: `bronze/summary/` by event date with the nested columns,
 * and the `bronze/user_agent/` and `bronze/products/` snapshots. Returns what the sales add up to.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { enrichBatch, type KafkaMessage } from "../../actors/enricher/enrich_batch.ts";
import { UserAgentCache } from "../../actors/enricher/user_agent_cache.ts";
import { runExport } from "../../actors/exporter/export_run.ts";
import { FolderLake } from "../../actors/exporter/folder_lake.ts";
import { isRecord } from "../../actors/runtime/guards.ts";
import { DuckDBWarehouse } from "../../actors/writer/duckdb/duckdb_warehouse.ts";
import type { CrawlResult } from "../../messages/crawler.ts";
import { generateMessages } from "../produce/mod.ts";
import { hash32 } from "../produce/prng.ts";
import {
  type BronzeFixture,
  countOrder,
  emptySalesTally,
  partitionOf,
  PARTITIONS,
  productNames,
  TOPIC,
} from "./bronze_fixture.ts";
import { FIXTURE_GEO } from "./fixture_geo.ts";

/** What to generate and where the warehouse and lake go. */
export interface ExportedBronzeOptions {
  /** Folder of the warehouse file (`warehouse.duckdb`) and the lake (`lake/`). */
  readonly dataDir: string;
  readonly count: number;
  readonly seed?: number;
  /** Percent of events that are checkout_success (default: the real 0.063). */
  readonly checkoutSuccessPercent?: number;
  /** Days of event time the events spread over (default 14). */
  readonly days?: number;
  /**
   * Rows of one date written again as another generation's file without `_offset_epoch`, as a
   * version before watermark epochs replayed them (the models must count each event once).
   */
  readonly replays?: number;
  /**
   * Events of a partition's new log after `reset-partition`: rows of the first date (no
   * checkouts) written again with watermark epoch 1 at the old log's offsets, as the pipeline
   * stores a replaced log's events (the models must count them as events of their own).
   */
  readonly resetEvents?: number;
}

const CHUNK = 5_000;
const decoder = new TextDecoder();

/** The crawl outcome of product `id`: named (most), 403 (done, no name) or a timeout (not done). */
function crawled(id: string, names: ReadonlyMap<number, string>, atMs: number): CrawlResult {
  const h = hash32(Number(id), 0x9a) % 100;
  if (h < 10) {
    return { productId: id, crawledAtMs: atMs, httpStatus: null, productName: null, done: false };
  }
  if (h < 14) {
    return { productId: id, crawledAtMs: atMs, httpStatus: 403, productName: null, done: true };
  }
  const name = names.get(Number(id)) ?? null;
  return { productId: id, crawledAtMs: atMs, httpStatus: 200, productName: name, done: true };
}

/** Runs the COPY `sql` makes of the first exported date's folder, in a throwaway DuckDB. */
async function copyInFirstDate(lake: string, sql: (dateDir: string) => string): Promise<void> {
  const summary = `${lake}/bronze/summary`;
  const [date] = [...Deno.readDirSync(summary)].map((e) => e.name).filter((n) => /^dt=\d/.test(n))
    .sort();
  if (date === undefined) throw new Error(`No exported date under ${summary}`);
  const instance = await DuckDBInstance.create(":memory:");
  const connection = await instance.connect();
  try {
    await connection.run(sql(`${summary}/${date}`));
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Writes `rows` exported rows of the first date again as an older version's replay file. */
function replay(lake: string, rows: number): Promise<void> {
  return copyInFirstDate(
    lake,
    (dir) =>
      `COPY (SELECT * EXCLUDE (_offset_epoch) FROM read_parquet('${dir}/*.parquet')
         ORDER BY _partition, _offset LIMIT ${rows})
       TO '${dir}/part-g9999-0.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)`,
  );
}

/** Writes `rows` non-checkout rows of the first date again as a reset partition's new log. */
function resetLog(lake: string, rows: number): Promise<void> {
  return copyInFirstDate(
    lake,
    (dir) =>
      `COPY (SELECT * REPLACE (1 AS _offset_epoch)
         FROM read_parquet('${dir}/part-g*.parquet')
         WHERE collection IS DISTINCT FROM 'checkout_success' AND coalesce(_offset_epoch, 0) = 0
         ORDER BY _partition DESC, _offset LIMIT ${rows})
       TO '${dir}/part-g9998-0.parquet' (FORMAT PARQUET, COMPRESSION ZSTD)`,
  );
}

/** Builds Bronze through the pipeline's own enricher, warehouse and export. */
export async function buildExportedBronze(options: ExportedBronzeOptions): Promise<BronzeFixture> {
  const { dataDir, count, seed = 1, days = 14 } = options;
  const lake = `${dataDir}/lake`;
  const weights = options.checkoutSuccessPercent === undefined
    ? {}
    : { checkout_success: options.checkoutSuccessPercent };
  const sales = emptySalesTally();
  await Deno.mkdir(dataDir, { recursive: true });
  const warehouse = new DuckDBWarehouse({ path: `${dataDir}/warehouse.duckdb` });
  await warehouse.open();
  let events = 0;
  try {
    const context = { userAgents: new UserAgentCache(), geo: FIXTURE_GEO };
    const offsets = new Array<number>(PARTITIONS).fill(0);
    let pending: KafkaMessage[] = [];
    const flush = async () => {
      const { rows, deadLetters } = enrichBatch(pending, context);
      await warehouse.writeBatch({ rows, deadLetters });
      events += rows.rowCount;
      pending = [];
    };
    const eventsPerSecond = Math.max(count, 1) / (days * 86_400);
    for (
      const m of generateMessages({ seed, count, collectionWeights: weights, eventsPerSecond })
    ) {
      const sent: unknown = JSON.parse(decoder.decode(m.value));
      if (!isRecord(sent)) throw new TypeError(`Generated message ${m.index} is not an object`);
      if (sent.collection === "checkout_success") countOrder(sent, sales);
      const partition = partitionOf(m.key);
      const offset = offsets[partition] ?? 0;
      offsets[partition] = offset + 1;
      const timestampMs = Number(sent.time_stamp) * 1000 + 500;
      pending.push({ topic: TOPIC, partition, offset, timestampMs, key: null, value: m.value });
      if (pending.length >= CHUNK) await flush();
    }
    await flush();
    const names = productNames();
    const uncrawled = await warehouse.uncrawledProducts(1_000_000);
    const now = Date.now();
    await warehouse.mergeCrawlResults(uncrawled.map((p) => crawled(p.productId, names, now)));
    await runExport({ warehouse, lake: new FolderLake(lake) });
    // The reset log first: the replay file (an older version's, without epochs) must not be in it.
    if ((options.resetEvents ?? 0) > 0) {
      await resetLog(lake, options.resetEvents ?? 0);
      events += options.resetEvents ?? 0;
    }
    if ((options.replays ?? 0) > 0) await replay(lake, options.replays ?? 0);
  } finally {
    await warehouse.close();
  }
  const { seen, ...tally } = sales;
  return { lake, events, expected: { ...tally, orders: seen.size } };
}
