/**
 * Test and benchmark helpers for warehouses: realistic synthetic staging rows built as columns
 * (the shape the enrichers emit), dead letters, and batch slicing. Deterministic for a seed.
 */

import type { WriteBatch } from "../../messages/batcher.ts";
import { unknownPosition } from "../../messages/chunk_position.ts";
import { packRows } from "../../messages/packed_rows.ts";
import { seededRandom } from "../../tools/produce/prng.ts";
import { columnIndex } from "./batch_columns.ts";
import { USER_AGENT_COLUMNS } from "./table_columns.ts";
import {
  type Cell,
  type ColumnName,
  type DeadLetter,
  type RowBatch,
  STAGING_COLUMNS,
} from "../../messages/staging_columns.ts";

/** Where and how many synthetic rows to build. */
export interface SyntheticRows {
  readonly topic?: string;
  readonly partition?: number;
  /** Offset of the first row; rows take consecutive offsets. */
  readonly fromOffset: number;
  readonly count: number;
  /** Distinct user agents to draw from (default 40). */
  readonly userAgents?: number;
  /** Distinct products to draw from (default 500). */
  readonly products?: number;
  /** Offset added to product numbers, to make product sets disjoint across calls. */
  readonly productBase?: number;
}

const COLLECTIONS = ["view_listing_page", "view_product_detail", "select_product_option"];
const BROWSERS = ["Chrome", "Mobile Safari", "Firefox", "Samsung Internet", "Edge"];
const STORES = [["6", "de"], ["7", "co.uk"], ["12", "fr"], ["41", "com"], ["10", "ch"]] as const;

/** The user-agent string number `n` of the synthetic pool. */
export function syntheticUserAgent(n: number): string {
  return `Mozilla/5.0 (Linux; Android 10; SM-G97${n % 10}F) AppleWebKit/537.36 ` +
    `(KHTML, like Gecko) Chrome/${80 + (n % 20)}.0.${4000 + n}.0 Mobile Safari/537.36`;
}

/** Builds `count` realistic staging rows as a columnar batch (about 60 columns each). */
export function syntheticBatch(spec: SyntheticRows): RowBatch {
  const { fromOffset, count } = spec;
  const topic = spec.topic ?? "product_view";
  const partition = spec.partition ?? 0;
  const uaPool = spec.userAgents ?? 40;
  const productPool = spec.products ?? 500;
  const productBase = spec.productBase ?? 100_000;
  const rand = seededRandom(fromOffset, partition);
  const columns: Cell[][] = STAGING_COLUMNS.map(() => new Array<Cell>(count));
  const set = (name: ColumnName, row: number, value: Cell) => {
    const column = columns[columnIndex(name)];
    if (column !== undefined) column[row] = value;
  };
  for (let row = 0; row < count; row++) {
    const offset = fromOffset + row;
    const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)] as T;
    const [storeId, tld] = pick(STORES);
    const ua = Math.floor(rand() * uaPool);
    const product = String(productBase + Math.floor(rand() * productPool));
    const seconds = 1_591_000_000 + Math.floor(offset / 10);
    const url = `https://www.glamira.${tld}/glamira-ring-${product}.html?alloy=white-585`;
    const cells: Partial<Record<ColumnName, Cell>> = {
      _topic: topic,
      _partition: partition,
      _offset: offset,
      _kafka_timestamp_ms: seconds * 1000 + 250,
      event_time_ms: seconds * 1000,
      field_problems: rand() < 0.05 ? ["order_id: not a number"] : null,
      api_version: "1.0",
      collection: pick(COLLECTIONS),
      time_stamp: seconds,
      local_time: "2020-06-04 10:7:29",
      current_url: url,
      referrer_url: `https://www.google.${tld}/`,
      device_id: `dev-${Math.floor(rand() * 1e9).toString(36)}`,
      email_address: rand() < 0.05 ? `user${offset}@example.com` : null,
      ip: `${1 + Math.floor(rand() * 223)}.${offset % 256}.${(offset >> 8) % 256}.7`,
      store_id: storeId,
      user_id_db: rand() < 0.3 ? String(Math.floor(rand() * 1e6)) : null,
      resolution: "1920x1080",
      user_agent: syntheticUserAgent(ua),
      product_id: product,
      price: rand() < 0.2 ? "1 278,00" : null,
      currency: rand() < 0.2 ? "€" : null,
      is_paypal: rand() < 0.01 ? true : null,
      recommendation: rand() < 0.1 ? false : null,
      recommendation_clicked_position: rand() < 0.02 ? 3 : null,
      option: [{ option_label: "alloy", value_label: "white-585" }],
      ...(offset % 50 === 7
        ? {
          collection: "checkout_success",
          order_id: 720_000_000 + offset,
          cart_products: [{
            amount: 1 + (offset % 3),
            currency: "€",
            price: "1 278,00",
            product_id: Number(product),
            option: [{
              option_id: 12,
              option_label: "alloy",
              value_id: 34,
              value_label: "Weißgold",
            }],
          }],
        }
        : {}),
      utm_source: rand() < 0.1 ? true : null,
      user_agent_id: `ua${ua.toString(16).padStart(30, "0")}`,
      browser_family: BROWSERS[ua % BROWSERS.length] ?? null,
      browser_version: `${80 + (ua % 20)}.0`,
      os_family: "Android",
      os_version: "10",
      device_family: `SM-G97${ua % 10}F`,
      device_brand: "Samsung",
      device_model: `SM-G97${ua % 10}F`,
      is_mobile: true,
      is_tablet: false,
      is_touch_capable: true,
      is_pc: false,
      is_bot: false,
      ua_engine: "Blink",
      ua_cpu_architecture: ua % 2 === 0 ? "arm64" : null,
      ua_is_bot_strict: false,
      country_code: tld === "co.uk" ? "GB" : tld.toUpperCase().slice(0, 2),
      country: "Germany",
      region: "Berlin",
      city: "Berlin",
      latitude: 52.52 + rand(),
      longitude: 13.4 + rand(),
      geo_table_version: "DB5-2020-06",
      catalog_product_ids: [product],
    };
    for (const spec of STAGING_COLUMNS) set(spec.name, row, cells[spec.name] ?? null);
  }
  return { rowCount: count, columns };
}

/** Rows `start` (inclusive) to `end` (exclusive) of a batch. */
export function sliceBatch(batch: RowBatch, start: number, end: number): RowBatch {
  const columns = batch.columns.map((column) => column.slice(start, end));
  return { rowCount: Math.max(0, Math.min(end, batch.rowCount) - start), columns };
}

/** The staging row's user-agent columns: the key, the raw string and every field parsed from it. */
export const USER_AGENT_ROW_COLUMNS = [
  ...USER_AGENT_COLUMNS,
  "ua_engine",
  "ua_cpu_architecture",
  "ua_is_bot_strict",
] as const;

/** `batch` with rows `rows` made rows without a User-Agent (its key and fields null). */
export function withoutUserAgent(batch: RowBatch, rows: readonly number[]): RowBatch {
  const cleared = new Set(USER_AGENT_ROW_COLUMNS.map((name) => columnIndex(name)));
  const columns = batch.columns.map((column, i) =>
    cleared.has(i) ? column.map((cell, row) => rows.includes(row) ? null : cell) : column
  );
  return { rowCount: batch.rowCount, columns };
}

/** Rows of several batches, in order, as one batch. */
export function concatBatches(batches: readonly RowBatch[]): RowBatch {
  const columns = STAGING_COLUMNS.map((_, i) => batches.flatMap((b) => b.columns[i] ?? []));
  return { rowCount: batches.reduce((sum, b) => sum + b.rowCount, 0), columns };
}

/** A dead letter at the given coordinates whose raw bytes are not valid UTF-8. */
export function syntheticDeadLetter(offset: number, partition = 0, topic = "product_view") {
  const raw = new Uint8Array([0x7b, 0xff, 0xfe, 0x00, 0x22, offset % 256]);
  const letter: DeadLetter = {
    topic,
    partition,
    offset,
    kafkaTimestampMs: 1_591_000_000_000 + offset,
    code: "not_utf8",
    reason: `invalid UTF-8 at byte 1 (offset ${offset})`,
    raw,
  };
  return letter;
}

/**
 * A batcher's batch of `count` synthetic rows of partition 0 from `fromOffset`, as one chunk
 * `chunkId` whose log position is not known (the writer takes it as it comes).
 */
export function syntheticWriteBatch(
  chunkId: number,
  fromOffset: number,
  count: number,
): WriteBatch {
  return {
    rows: packRows(syntheticBatch({ fromOffset, count })),
    deadLetters: [],
    chunkIds: [chunkId],
    chunks: [{
      chunkId,
      topic: "product_view",
      partition: 0,
      position: { ...unknownPosition(fromOffset, fromOffset + count - 1), prevOffset: null },
      rowCount: count,
      deadLetterCount: 0,
    }],
  };
}
