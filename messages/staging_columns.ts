/**
 * The staging row, declared once: every column the enrichers fill and the warehouses store, in
 * order, with its warehouse type. Batches cross Workers as columns (one array per column, in this
 * order), which structured clone copies far faster than one object per row.
 */
import { isRecord } from "../actors/runtime/guards.ts";
import {
  CART_PRODUCT_LIST,
  type NestedList,
  OPTION_LIST,
  type StructList,
} from "./nested_columns.ts";

/** Nested column types by name: lists of structs (see `nested_columns.ts`). */
export const NESTED_TYPES = {
  "OPTION[]": OPTION_LIST,
  "CART_PRODUCT[]": CART_PRODUCT_LIST,
} as const satisfies Record<string, StructList>;

/** Names of the nested column types. */
export type NestedType = keyof typeof NESTED_TYPES;

/** Warehouse types a staging column can have (DuckDB spelling; BigQuery maps them). */
export type ColumnType =
  | "VARCHAR"
  | "BIGINT"
  | "INTEGER"
  | "DOUBLE"
  | "BOOLEAN"
  | "VARCHAR[]"
  | NestedType;

/** Whether a column type is a nested list of structs. */
export function isNestedType(type: string): type is NestedType {
  return type in NESTED_TYPES;
}

/** Declaration of one staging column. */
export interface ColumnSpec {
  readonly name: string;
  readonly type: ColumnType;
  readonly doc: string;
}

const c = (name: string, type: ColumnType, doc: string): ColumnSpec => ({ name, type, doc });

/** The staging columns, in batch order. `_topic`, `_partition`, `_offset` are the unique key. */
export const STAGING_COLUMNS = [
  c("_topic", "VARCHAR", "Kafka topic of the event"),
  c("_partition", "INTEGER", "Kafka partition"),
  c("_offset", "BIGINT", "Kafka offset"),
  c("_kafka_timestamp_ms", "BIGINT", "Kafka message timestamp, epoch ms"),
  c("event_time_ms", "BIGINT", "time_stamp as epoch ms (UTC); null when absent or invalid"),
  c(
    "field_problems",
    "VARCHAR[]",
    "field-level problems found while parsing, e.g. 'order_id: ...'",
  ),
  // The event as the shop sent it, coerced to its declared types and cleaned.
  c("api_version", "VARCHAR", ""),
  c("collection", "VARCHAR", "event type"),
  c("time_stamp", "BIGINT", "epoch seconds"),
  c("local_time", "VARCHAR", "client clock, as sent"),
  c("current_url", "VARCHAR", ""),
  c("referrer_url", "VARCHAR", ""),
  c("device_id", "VARCHAR", ""),
  c("email_address", "VARCHAR", "personal data"),
  c("ip", "VARCHAR", ""),
  c("store_id", "VARCHAR", ""),
  c("user_id_db", "VARCHAR", ""),
  c("resolution", "VARCHAR", ""),
  c("user_agent", "VARCHAR", ""),
  c("product_id", "VARCHAR", ""),
  c("viewing_product_id", "VARCHAR", ""),
  c("cat_id", "VARCHAR", ""),
  c("collect_id", "VARCHAR", ""),
  c("currency", "VARCHAR", ""),
  c("price", "VARCHAR", "locale-formatted, as sent"),
  c("order_id", "BIGINT", "'720251727.0' -> 720251727; a misfit is null, kept in extra"),
  c("is_paypal", "BOOLEAN", ""),
  c("key_search", "VARCHAR", ""),
  c("recommendation", "BOOLEAN", ""),
  c("recommendation_clicked_position", "INTEGER", ""),
  c("recommendation_product_id", "VARCHAR", ""),
  c("recommendation_product_position", "VARCHAR", ""),
  c("show_recommendation", "VARCHAR", ""),
  c("utm_source", "BOOLEAN", 'false/true, "true"/"false"; other text is null, kept in extra'),
  c("utm_medium", "BOOLEAN", 'false/true, "true"/"false"; other text is null, kept in extra'),
  c("option", "OPTION[]", "cleaned option list; an object (listing pages) is one element"),
  c("cart_products", "CART_PRODUCT[]", "cleaned cart lines"),
  // User-Agent enrichment.
  c("user_agent_id", "VARCHAR", "MD5 hex of user_agent"),
  c("browser_family", "VARCHAR", ""),
  c("browser_version", "VARCHAR", ""),
  c("os_family", "VARCHAR", ""),
  c("os_version", "VARCHAR", ""),
  c("device_family", "VARCHAR", ""),
  c("device_brand", "VARCHAR", ""),
  c("device_model", "VARCHAR", ""),
  c("is_mobile", "BOOLEAN", ""),
  c("is_tablet", "BOOLEAN", ""),
  c("is_touch_capable", "BOOLEAN", ""),
  c("is_pc", "BOOLEAN", ""),
  c("is_bot", "BOOLEAN", ""),
  // Not in the original: what ua-parser-js and isbot add (see actors/enricher/user_agent_info.ts).
  c("ua_engine", "VARCHAR", "rendering engine by ua-parser-js (Blink, WebKit, Gecko, ...)"),
  c(
    "ua_cpu_architecture",
    "VARCHAR",
    "CPU architecture the UA names, by ua-parser-js (amd64, ...)",
  ),
  c("ua_is_bot_strict", "BOOLEAN", "isbot: crawlers, HTTP libraries, scripts, headless browsers"),
  // IP enrichment (filled by the geoip table).
  c("country_code", "VARCHAR", ""),
  c("country", "VARCHAR", ""),
  c("region", "VARCHAR", ""),
  c("city", "VARCHAR", ""),
  c("latitude", "DOUBLE", ""),
  c("longitude", "DOUBLE", ""),
  c("geo_table_version", "VARCHAR", "version of the range table used; null without one"),
  // Catalog seam: product ids seen in this event (cart_products ids, else product_id).
  c("catalog_product_ids", "VARCHAR[]", "product ids for the catalog, with current_url"),
  c(
    "extra",
    "VARCHAR",
    "top-level fields the schema does not declare and values that fit no declared type " +
      "(under their own key: order_id, utm_source, option, ...), cleaned, as JSON text",
  ),
] as const satisfies readonly ColumnSpec[];

/** Names of the staging columns. */
export type ColumnName = (typeof STAGING_COLUMNS)[number]["name"];

/** One cell value as it crosses a Worker. */
export type Cell = string | number | boolean | null | string[] | NestedList;

/** A batch of staged rows as columns: `columns[i]` holds column `STAGING_COLUMNS[i]`. */
export interface RowBatch {
  readonly rowCount: number;
  readonly columns: Cell[][];
}

/** A message that could not become a row: kept whole with its reason and coordinates. */
export interface DeadLetter {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  /** Kafka message timestamp, epoch ms; null when it cannot be stored (see `value_limits.ts`). */
  readonly kafkaTimestampMs: number | null;
  /** Low-cardinality reason code: `not_utf8`, `not_json`, `not_object`, `enrich_failed`, ... */
  readonly code: string;
  /** What was wrong, for a human. */
  readonly reason: string;
  /** The message value as received. */
  readonly raw: Uint8Array;
}

/** Checks a dead letter received from another Worker: coordinates, a code, a reason, raw bytes. */
export const isDeadLetter = (v: unknown): v is DeadLetter =>
  isRecord(v) && typeof v.topic === "string" && typeof v.partition === "number" &&
  typeof v.offset === "number" && typeof v.code === "string" && typeof v.reason === "string" &&
  v.raw instanceof Uint8Array;

/** Checks a list of dead letters. */
export const isDeadLetters = (v: unknown): v is DeadLetter[] =>
  Array.isArray(v) && v.every(isDeadLetter);

/** Index of each column by name. */
export const COLUMN_INDEX: Readonly<Record<ColumnName, number>> = Object.freeze(
  Object.fromEntries(STAGING_COLUMNS.map((col, i) => [col.name, i])) as Record<ColumnName, number>,
);
