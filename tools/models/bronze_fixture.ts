/**
 * The models' test input, in one module: contract-shaped Bronze Parquet (`bronze/summary/`,
 * `bronze/user_agent/`, `bronze/products/`) made from the project's seeded event generator run
 * through the real enricher, plus what the sales in it must add up to, computed from the
 * generated carts (store price format known), not by the models' SQL. When issue 14's export
 * lands, an end-to-end test swaps `buildBronzeFixture` for the pipeline and keeps the checks.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../../actors/writer/sql_string.ts";
import { USER_AGENT_COLUMNS } from "../../actors/writer/table_columns.ts";
import { enrichBatch, type KafkaMessage } from "../../actors/enricher/enrich_batch.ts";
import { isRecord, isStringArray } from "../../actors/runtime/guards.ts";
import { UserAgentCache } from "../../actors/enricher/user_agent_cache.ts";
import { STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { generateMessages } from "../produce/mod.ts";
import { SEPARATORS } from "../produce/prices.ts";
import { hash32 } from "../produce/prng.ts";
import { PRODUCT_COUNT, productAt } from "../produce/products.ts";
import { type Store, STORES } from "../produce/stores.ts";
import { BRONZE_COLUMNS, bronzeRow } from "./bronze_rows.ts";
import { FIXTURE_GEO } from "./fixture_geo.ts";

/** What to build. */
export interface BronzeFixtureOptions {
  /** The lake folder (Bronze goes under `<lake>/bronze/`). */
  readonly lake: string;
  readonly count: number;
  readonly seed?: number;
  /** Percent of events that are checkout_success (default: the real 0.063). */
  readonly checkoutSuccessPercent?: number;
  /**
   * Rows exported a second time in another generation's files (a replay the models drop),
   * written as Bronze exported before watermark epochs: without the `_offset_epoch` column.
   */
  readonly duplicates?: number;
  /**
   * Events of a new log of partition 0 after a `reset-partition` (epoch 1), at the offsets of
   * the old log's first events: distinct events the models keep (default 0; none of them is a
   * checkout, so the expected sales stay the old log's).
   */
  readonly resetEvents?: number;
  /** Days of event time the events spread over (default 14), so daily trends have days. */
  readonly days?: number;
}

/** What the sales in the fixture add up to: distinct orders, first checkout page of each. */
export interface ExpectedSales {
  readonly checkoutSuccessEvents: number;
  readonly orders: number;
  readonly lines: number;
  readonly units: number;
  /** Revenue per store id, in the store's currency (unit price × amount over the lines). */
  readonly revenueByStore: ReadonlyMap<string, number>;
}

/** A built fixture. */
export interface BronzeFixture {
  readonly lake: string;
  /** Distinct events in Bronze (without the replayed duplicates, with the reset log's). */
  readonly events: number;
  readonly expected: ExpectedSales;
}

/** Topic and partitions the generated events are spread over. */
export const TOPIC = "product_view";
/** Partitions of `TOPIC`. */
export const PARTITIONS = 6;
const CHUNK = 5_000;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/** The user-agent dimension's columns the fixture writes: the key and the 12 fields, not the string. */
const UA_COLUMNS = USER_AGENT_COLUMNS.filter((name) => name !== "user_agent");
const at = (name: string) => STAGING_COLUMNS.findIndex((c) => c.name === name);

function priceValue(price: string, store: Store): number {
  const { group, decimal } = SEPARATORS[store.format];
  const plain = (group === "" ? price : price.replaceAll(group, "")).replace(decimal, ".");
  const value = Number(plain);
  if (!Number.isFinite(value)) {
    throw new RangeError(`Fixture price "${price}" of store ${store.id} does not parse`);
  }
  return value;
}

/** Adds a checkout_success event's cart to `sales` when its order is new. */
/** Counts one checkout_success event into `sales` (its order once). */
export function countOrder(event: Record<string, unknown>, sales: SalesTally): void {
  sales.checkoutSuccessEvents++;
  const orderId = String(event.order_id);
  if (sales.seen.has(orderId)) return;
  sales.seen.add(orderId);
  const store = STORES.find((s) => s.id === event.store_id);
  if (store === undefined) throw new RangeError(`Fixture store ${String(event.store_id)} unknown`);
  const cart = Array.isArray(event.cart_products) ? event.cart_products : [];
  for (const line of cart.filter(isRecord)) {
    const amount = Number(line.amount);
    sales.lines++;
    sales.units += amount;
    const revenue = amount * priceValue(String(line.price), store);
    sales.revenueByStore.set(store.id, (sales.revenueByStore.get(store.id) ?? 0) + revenue);
  }
}

/** Running totals of the orders seen. */
export interface SalesTally {
  checkoutSuccessEvents: number;
  lines: number;
  units: number;
  seen: Set<string>;
  revenueByStore: Map<string, number>;
}

/** A tally of no orders yet. */
export function emptySalesTally(): SalesTally {
  return {
    checkoutSuccessEvents: 0,
    lines: 0,
    units: 0,
    seen: new Set(),
    revenueByStore: new Map(),
  };
}

/** The partition of a message key, as the fixture spreads them. */
export function partitionOf(key: string): number {
  let h = 0;
  for (let i = 0; i < key.length; i++) h = hash32(h, key.charCodeAt(i));
  return h % PARTITIONS;
}

/** The product dimension row of `id`: most crawled with a name, some 403s, some uncrawled. */
function productRow(id: string, url: unknown, names: Map<number, string>): string {
  const h = hash32(Number(id), 0x9a) % 100;
  const name = h < 10 || h >= 14 ? names.get(Number(id)) ?? null : "";
  return JSON.stringify({
    product_id: id,
    current_url: typeof url === "string" ? url : null,
    is_crawl: h >= 10,
    product_name: h < 10 ? null : name,
  });
}

/** The name the crawler would find for every generated product. */
export function productNames(): Map<number, string> {
  const title = (word: string) => word.charAt(0).toUpperCase() + word.slice(1).replace("-", " ");
  const names = new Map<number, string>();
  for (let rank = 0; rank < PRODUCT_COUNT; rank++) {
    const p = productAt(rank);
    names.set(p.id, `${title(p.typeWords.en ?? "ring")} ${title(p.name)}`);
  }
  return names;
}

async function copyJson(
  db: Awaited<ReturnType<DuckDBInstance["connect"]>>,
  file: string,
  columns: readonly { name: string; type: string }[],
  target: string,
  options: string,
  extraSelect = "",
): Promise<void> {
  const spec = columns.map((c) => `${sqlString(c.name)}: ${sqlString(c.type)}`).join(", ");
  await db.run(
    `COPY (SELECT *${extraSelect} FROM read_json(${sqlString(file)}, format = 'newline_delimited',
       columns = {${spec}}, maximum_object_size = 16777216))
     TO ${sqlString(target)} (FORMAT PARQUET, COMPRESSION ZSTD${options})`,
  );
}

/**
 * Generates `count` events (seeded), enriches them with the real enricher (fixture geo), and
 * writes them as contract-shaped Bronze Parquet under `<lake>/bronze/`, replacing what is there.
 */
export async function buildBronzeFixture(options: BronzeFixtureOptions): Promise<BronzeFixture> {
  const { lake, count, seed = 1, duplicates = 0, days = 14, resetEvents = 0 } = options;
  const eventsPerSecond = Math.max(count, 1) / (days * 86_400);
  const weights = options.checkoutSuccessPercent === undefined
    ? {}
    : { checkout_success: options.checkoutSuccessPercent };
  const scratch = await Deno.makeTempDir({ prefix: "bronze-fixture-" });
  const files = {
    summary: `${scratch}/summary.ndjson`,
    replay: `${scratch}/replay.ndjson`,
    userAgents: `${scratch}/user_agent.ndjson`,
    products: `${scratch}/products.ndjson`,
  };
  const summary = await Deno.open(files.summary, { create: true, write: true });
  const replay: string[] = [];
  const userAgents = new Map<string, string>();
  const products = new Map<string, unknown>();
  const offsets = new Array<number>(PARTITIONS).fill(0);
  const sales = emptySalesTally();
  const context = { userAgents: new UserAgentCache(), geo: FIXTURE_GEO };
  let events = 0;
  try {
    const pending: { message: KafkaMessage; sent: Record<string, unknown>; epoch: number }[] = [];
    const flush = async () => {
      const { rows, rowOf } = enrichBatch(pending.map((p) => p.message), context);
      const lines: string[] = [];
      pending.forEach(({ message, sent, epoch }, i) => {
        const r = rowOf[i] ?? -1;
        if (r < 0) return;
        const cells = rows.columns.map((column) => column[r] ?? null);
        const row = bronzeRow(cells, message.timestampMs + 1_000, epoch);
        lines.push(JSON.stringify(row));
        if (replay.length < duplicates) {
          const { _offset_epoch: _, ...older } = row;
          replay.push(JSON.stringify(older));
        }
        const uaId = cells[at("user_agent_id")];
        if (typeof uaId === "string" && !userAgents.has(uaId)) {
          const ua: Record<string, unknown> = { user_agent_raw: cells[at("user_agent")] };
          for (const name of UA_COLUMNS) ua[name] = cells[at(name)];
          userAgents.set(uaId, JSON.stringify(ua));
        }
        const ids = cells[at("catalog_product_ids")];
        for (const id of isStringArray(ids) ? ids : []) {
          if (!products.has(id)) products.set(id, cells[at("current_url")]);
        }
        if (sent.collection === "checkout_success") countOrder(sent, sales);
      });
      events += lines.length;
      if (lines.length > 0) await summary.write(encoder.encode(lines.join("\n") + "\n"));
      pending.length = 0;
    };
    for (
      const m of generateMessages({
        seed,
        count,
        collectionWeights: weights,
        eventsPerSecond,
      })
    ) {
      const sent: unknown = JSON.parse(decoder.decode(m.value));
      if (!isRecord(sent)) throw new TypeError(`Generated message ${m.index} is not an object`);
      const partition = partitionOf(m.key);
      const offset = offsets[partition] ?? 0;
      offsets[partition] = offset + 1;
      const timestampMs = Number(sent.time_stamp) * 1000 + 500;
      const message = { topic: TOPIC, partition, offset, timestampMs, key: null, value: m.value };
      pending.push({ message, sent, epoch: 0 });
      if (pending.length >= CHUNK) await flush();
    }
    await flush();
    let reset = 0;
    for (const m of generateMessages({ seed: seed + 1, count: resetEvents * 2, eventsPerSecond })) {
      if (reset >= resetEvents) break;
      const sent: unknown = JSON.parse(decoder.decode(m.value));
      if (!isRecord(sent) || sent.collection === "checkout_success") continue;
      const timestampMs = Number(sent.time_stamp) * 1000 + 500;
      const message = { topic: TOPIC, partition: 0, offset: reset++, timestampMs, key: null };
      pending.push({ message: { ...message, value: m.value }, sent, epoch: 1 });
    }
    await flush();
  } finally {
    summary.close();
  }
  const names = productNames();
  await Deno.writeTextFile(files.replay, replay.join("\n") + "\n");
  await Deno.writeTextFile(
    files.userAgents,
    [...userAgents.values()].join("\n"),
  );
  await Deno.writeTextFile(
    files.products,
    [...products].map(([id, url]) => productRow(id, url, names)).join("\n"),
  );
  await Deno.remove(`${lake}/bronze`, { recursive: true }).catch((error: unknown) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  await Deno.mkdir(`${lake}/bronze/user_agent`, { recursive: true });
  await Deno.mkdir(`${lake}/bronze/products`, { recursive: true });
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    const dt =
      `, strftime(epoch_ms(coalesce(event_time_ms, _kafka_timestamp_ms)), '%Y-%m-%d') AS dt`;
    const partitioned = (g: number) =>
      `, PARTITION_BY (dt), FILENAME_PATTERN 'part-g${g}-{i}', OVERWRITE_OR_IGNORE`;
    await copyJson(db, files.summary, BRONZE_COLUMNS, `${lake}/bronze/summary`, partitioned(1), dt);
    if (replay.length > 0) {
      await copyJson(
        db,
        files.replay,
        BRONZE_COLUMNS.filter((c) => c.name !== "_offset_epoch"),
        `${lake}/bronze/summary`,
        partitioned(2),
        dt,
      );
    }
    const uaColumns = [
      { name: "user_agent_id", type: "VARCHAR" },
      { name: "user_agent_raw", type: "VARCHAR" },
      ...UA_COLUMNS.slice(1).map((name) => ({
        name,
        type: STAGING_COLUMNS[at(name)]?.type ?? "VARCHAR",
      })),
    ];
    await copyJson(
      db,
      files.userAgents,
      uaColumns,
      `${lake}/bronze/user_agent/part-g1-0.parquet`,
      "",
    );
    const productColumns = [
      { name: "product_id", type: "VARCHAR" },
      { name: "current_url", type: "VARCHAR" },
      { name: "is_crawl", type: "BOOLEAN" },
      { name: "product_name", type: "VARCHAR" },
    ];
    await copyJson(
      db,
      files.products,
      productColumns,
      `${lake}/bronze/products/part-g1-0.parquet`,
      "",
    );
  } finally {
    db.closeSync();
    instance.closeSync();
    await Deno.remove(scratch, { recursive: true });
  }
  const { seen, ...tally } = sales;
  return { lake, events, expected: { ...tally, orders: seen.size } };
}
