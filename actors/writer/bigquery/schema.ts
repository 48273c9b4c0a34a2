/**
 * The BigQuery schema, declared as explicit table resources and created idempotently: one staging
 * table per generation (partitioned by event date `dt`, clustered by Kafka coordinates), and the
 * append-only tables the warehouse resolves by query: commits, generation events (a seal lists
 * the commits it covers), partition epochs, dead letters, user agents, products, crawl outcomes
 * and the export manifest.
 */

import type { BigQuery, Dataset, TableField, TableMetadata } from "@google-cloud/bigquery";
import { timed } from "./client.ts";
import {
  type ColumnType,
  isNestedType,
  NESTED_TYPES,
  STAGING_COLUMNS,
} from "../../../messages/staging_columns.ts";
import type { StructList } from "../../../messages/nested_columns.ts";
import { USER_AGENT_COLUMNS } from "../table_columns.ts";
import { RETYPED_COLUMNS } from "../retyped_columns.ts";

/** One BigQuery column. */
export interface Field {
  readonly name: string;
  readonly type:
    | "STRING"
    | "INT64"
    | "FLOAT64"
    | "BOOL"
    | "BYTES"
    | "TIMESTAMP"
    | "DATE"
    | "RECORD";
  readonly mode: "NULLABLE" | "REQUIRED" | "REPEATED";
  /** A RECORD's members. */
  readonly fields?: readonly Field[];
}

const BIGQUERY_TYPE: Record<ColumnType, Field["type"]> = {
  VARCHAR: "STRING",
  BIGINT: "INT64",
  INTEGER: "INT64",
  DOUBLE: "FLOAT64",
  BOOLEAN: "BOOL",
  "VARCHAR[]": "STRING",
  "OPTION[]": "RECORD",
  "CART_PRODUCT[]": "RECORD",
};

/**
 * BigQuery's spelling of a member name: column and field names take letters, digits and
 * underscores only, so `category id` (a key the shop sends in `option`) is `category_id`. The one
 * mapping this makes; Parquet and DuckDB keep the original spelling.
 */
export function bigqueryName(name: string): string {
  return name.replace(/[^A-Za-z0-9_]/g, "_");
}

/** A list of structs as a REPEATED RECORD's members. */
export function recordFields(list: StructList): Field[] {
  return list.fields.map((member) =>
    typeof member.type === "string"
      ? f(bigqueryName(member.name), member.type === "BIGINT" ? "INT64" : "STRING")
      : { name: member.name, type: "RECORD", mode: "REPEATED", fields: recordFields(member.type) }
  );
}

const f = (name: string, type: Field["type"], mode: Field["mode"] = "NULLABLE"): Field => ({
  name,
  type,
  mode,
});

const KEY = new Set(["_topic", "_partition", "_offset"]);

/**
 * Staging columns in table order: the contract's columns, `_ingested_at`, `_offset_epoch` (the
 * partition's watermark epoch), then `dt`.
 */
export const STAGING_FIELDS: readonly Field[] = [
  ...STAGING_COLUMNS.map((c): Field =>
    isNestedType(c.type)
      ? { ...f(c.name, "RECORD", "REPEATED"), fields: recordFields(NESTED_TYPES[c.type]) }
      : f(
        c.name,
        BIGQUERY_TYPE[c.type],
        c.type === "VARCHAR[]" ? "REPEATED" : KEY.has(c.name) ? "REQUIRED" : "NULLABLE",
      )
  ),
  f("_ingested_at", "TIMESTAMP", "REQUIRED"),
  f("_offset_epoch", "INT64"),
  // Event date (UTC) of event_time_ms, else the Kafka timestamp: the partitioning column; null
  // (BigQuery's __NULL__ partition) when neither is a date.
  f("dt", "DATE"),
];

/** Where a dimension row was first seen: it is visible once that offset is committed. */
const SEEN_AT = [f("_topic", "STRING", "REQUIRED"), f("_partition", "INT64", "REQUIRED")]
  .concat([f("_offset", "INT64", "REQUIRED")]);

const uaType = (name: string) =>
  BIGQUERY_TYPE[STAGING_COLUMNS.find((c) => c.name === name)?.type ?? "VARCHAR"];

/** A table's schema, partitioning and clustering. */
export interface TableSpec {
  readonly fields: readonly Field[];
  /** Column that partitions the table by day. */
  readonly partitionBy?: string;
  readonly clusterBy?: readonly string[];
}

/** Tables other than staging, by name. */
export const TABLES: Readonly<Record<string, TableSpec>> = {
  // A batch's rows are visible once its commit row (per generation and partition) covers them.
  write_commits: {
    fields: [
      f("generation", "INT64", "REQUIRED"),
      f("topic", "STRING", "REQUIRED"),
      f("kafka_partition", "INT64", "REQUIRED"),
      f("from_offset", "INT64", "REQUIRED"),
      f("to_offset", "INT64", "REQUIRED"),
      f("batch_id", "STRING", "REQUIRED"),
      f("committed_at", "TIMESTAMP", "REQUIRED"),
      // The partition's watermark epoch (null: 0) and the topic id the offsets came from.
      f("epoch", "INT64"),
      f("topic_id", "STRING"),
    ],
    clusterBy: ["generation", "topic", "kafka_partition"],
  },
  // A partition's watermark epochs: a reset appends the next one (the highest is current).
  partition_epochs: {
    fields: [
      f("topic", "STRING", "REQUIRED"),
      f("kafka_partition", "INT64", "REQUIRED"),
      f("epoch", "INT64", "REQUIRED"),
      f("from_offset", "INT64", "REQUIRED"),
      f("previous_max_offset", "INT64", "REQUIRED"),
      f("reason", "STRING", "REQUIRED"),
      f("at", "TIMESTAMP", "REQUIRED"),
    ],
  },
  generation_events: {
    fields: [
      f("generation", "INT64", "REQUIRED"),
      // open, sealing (the seal is under way), sealed, dropped.
      f("state", "STRING", "REQUIRED"),
      f("row_count", "INT64"),
      f("at", "TIMESTAMP", "REQUIRED"),
      // On a `sealed` event: the commits (batch ids) the generation holds, fixed by its seal.
      f("covered", "STRING", "REPEATED"),
    ],
  },
  dead_letters: {
    fields: [
      f("topic", "STRING", "REQUIRED"),
      f("kafka_partition", "INT64", "REQUIRED"),
      f("kafka_offset", "INT64", "REQUIRED"),
      f("kafka_timestamp_ms", "INT64"),
      f("code", "STRING", "REQUIRED"),
      f("reason", "STRING", "REQUIRED"),
      // Base64 text, not BYTES: the emulator stores insertAll BYTES undecoded, so a BYTES column
      // would read back differently there and in BigQuery; text reads back the same in both.
      f("raw_base64", "STRING", "REQUIRED"),
      f("ingested_at", "TIMESTAMP", "REQUIRED"),
      f("offset_epoch", "INT64"),
    ],
    partitionBy: "ingested_at",
    clusterBy: ["code", "topic", "kafka_partition"],
  },
  user_agents: {
    fields: [
      ...USER_AGENT_COLUMNS.map((name) => f(name, uaType(name), "NULLABLE")),
      f("first_seen_at", "TIMESTAMP", "REQUIRED"),
      ...SEEN_AT,
    ],
    clusterBy: ["user_agent_id"],
  },
  // Named `products` before that name became the original's view (views.ts).
  product_catalog: {
    fields: [
      f("product_id", "STRING", "REQUIRED"),
      f("url", "STRING"),
      f("first_seen", "TIMESTAMP"),
    ]
      .concat(SEEN_AT),
    clusterBy: ["product_id"],
  },
  product_crawls: {
    fields: [
      f("product_id", "STRING", "REQUIRED"),
      f("crawled_at", "TIMESTAMP", "REQUIRED"),
      f("http_status", "INT64"),
      f("product_name", "STRING"),
      f("done", "BOOL", "REQUIRED"),
      f("recorded_at", "TIMESTAMP", "REQUIRED"),
    ],
    clusterBy: ["product_id"],
  },
  export_manifest: {
    fields: [
      f("generation", "INT64", "REQUIRED"),
      f("location", "STRING", "REQUIRED"),
      f("row_count", "INT64", "REQUIRED"),
      f("exported_at", "TIMESTAMP", "REQUIRED"),
      f("files", "STRING", "REPEATED"),
      f("bytes", "INT64", "REQUIRED"),
      f("checksum", "STRING", "REQUIRED"),
      // Microseconds since the epoch: the latest entry of a generation wins.
      f("recorded_us", "INT64", "REQUIRED"),
    ],
  },
};

/** Name of a generation's staging table. */
export function stagingTable(generation: number): string {
  if (!Number.isSafeInteger(generation) || generation < 1) {
    throw new RangeError(`Cannot name a staging table for generation ${generation}`);
  }
  return `staging_g${generation}`;
}

/** The staging table's spec. */
export const STAGING_SPEC: TableSpec = {
  fields: STAGING_FIELDS,
  partitionBy: "dt",
  clusterBy: ["_topic", "_partition", "_offset"],
};

/** A field as the API takes it (members of a RECORD included, deep-copied). */
export function fieldResource(field: Field): TableField {
  const { fields, ...rest } = field;
  return fields === undefined ? { ...rest } : { ...rest, fields: fields.map(fieldResource) };
}

/** The table resource BigQuery expects for `spec`. */
export function tableMetadata(spec: TableSpec): TableMetadata {
  return {
    schema: { fields: spec.fields.map(fieldResource) },
    ...(spec.partitionBy === undefined
      ? {}
      : { timePartitioning: { type: "DAY", field: spec.partitionBy } }),
    ...(spec.clusterBy === undefined ? {} : { clustering: { fields: [...spec.clusterBy] } }),
  };
}

/** Creates `name` unless it exists (a concurrent creator's 409 counts as success). */
export async function ensureTable(dataset: Dataset, name: string, spec: TableSpec): Promise<void> {
  const table = dataset.table(name);
  const [exists] = await timed(dataset.bigQuery, `check table ${name}`, () => table.exists());
  if (exists) return;
  try {
    await timed(
      dataset.bigQuery,
      `create table ${name}`,
      () => dataset.createTable(name, tableMetadata(spec)),
    );
  } catch (error: unknown) {
    if (!isAlreadyExists(error)) throw error;
  }
}

/** Whether `v` is a field of a table resource as BigQuery returns it. */
function isTableField(v: unknown): v is TableField {
  return typeof v === "object" && v !== null && "name" in v && typeof v.name === "string";
}

/** The schema fields of the existing table `name` as BigQuery returns them, in table order. */
export async function storedFields(dataset: Dataset, name: string): Promise<TableField[]> {
  const [metadata]: [unknown, ...unknown[]] = await timed(
    dataset.bigQuery,
    `read the schema of ${name}`,
    () => dataset.table(name).getMetadata(),
  );
  const schema = typeof metadata === "object" && metadata !== null && "schema" in metadata
    ? metadata.schema
    : undefined;
  const fields = typeof schema === "object" && schema !== null && "fields" in schema
    ? schema.fields
    : undefined;
  return Array.isArray(fields) ? fields.filter(isTableField) : [];
}

/** Names and types of the schema fields of the existing table `name`, in table order. */
async function fieldTypes(dataset: Dataset, name: string): Promise<[string, string][]> {
  return (await storedFields(dataset, name)).map((f) => [f.name ?? "", f.type ?? ""]);
}

/**
 * Columns of generation `generation`'s table that an older version made STRING and that are
 * typed now (`retyped_columns.ts`): the writer cannot stream typed values into them, so such an
 * open generation is sealed as it is at open, and its export reads them again.
 */
export async function staleStagingColumns(
  client: BigQuery,
  dataset: string,
  generation: number,
): Promise<string[]> {
  const types = new Map(await fieldTypes(client.dataset(dataset), stagingTable(generation)));
  return RETYPED_COLUMNS.filter((name) => types.get(name) === "STRING");
}

/** Declared fields of `spec` that the existing table `name` lacks (made by an older version). */
export async function missingFields(
  dataset: Dataset,
  name: string,
  spec: TableSpec,
): Promise<Field[]> {
  const have = new Set((await storedFields(dataset, name)).map((f) => f.name));
  return spec.fields.filter((f) => !have.has(f.name));
}

/**
 * Staging columns the table of `generation` lacks because an older version made it. They are
 * added at open (dataset_upgrade.ts), but the streaming backend learns new columns minutes after
 * a change and refuses rows carrying them meanwhile: the writer leaves these out of its rows
 * until the next seal, and exports select NULL for them.
 */
export async function missingStagingColumns(
  client: BigQuery,
  dataset: string,
  generation: number,
): Promise<string[]> {
  const missing = await missingFields(
    client.dataset(dataset),
    stagingTable(generation),
    STAGING_SPEC,
  );
  return missing.map((f) => f.name);
}

/** GoogleSQL spelling of one value of `field` (an element, for a repeated one). */
export function elementSql(field: Field): string {
  if (field.type !== "RECORD") return field.type;
  const members = (field.fields ?? []).map((m) =>
    `${m.name} ${m.mode === "REPEATED" ? `ARRAY<${elementSql(m)}>` : elementSql(m)}`
  );
  return `STRUCT<${members.join(", ")}>`;
}

/**
 * The select expression of staging column `name`: the column, or a typed NULL (an empty array
 * for a repeated one) where the generation's table, made by an older version, lacks it.
 */
export function stagingColumnOrNull(name: string, missing: ReadonlySet<string>): string {
  if (!missing.has(name)) return name;
  const field = STAGING_FIELDS.find((f) => f.name === name);
  if (field === undefined) throw new RangeError(`No staging column is named ${name}`);
  return field.mode === "REPEATED"
    ? `CAST([] AS ARRAY<${elementSql(field)}>) AS ${name}`
    : `CAST(NULL AS ${elementSql(field)}) AS ${name}`;
}

/**
 * Whether a BigQuery call failed because the resource already exists: 409 (or reason
 * `duplicate`) from BigQuery; the emulator answers a CREATE TABLE AS SELECT with a job error
 * whose message says "already exists".
 */
export function isAlreadyExists(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  if ("code" in error && error.code === 409) return true;
  const text = "message" in error && typeof error.message === "string" ? error.message : "";
  return /already exists/i.test(text);
}

/** Creates the dataset and every non-staging table if missing. */
export async function createSchema(dataset: Dataset, location?: string): Promise<void> {
  const [exists] = await timed(dataset.bigQuery, "check the dataset", () => dataset.exists());
  if (!exists) {
    try {
      await timed(
        dataset.bigQuery,
        "create the dataset",
        () => dataset.create(location === undefined ? {} : { location }),
      );
    } catch (error: unknown) {
      if (!isAlreadyExists(error)) throw error;
    }
  }
  for (const [name, spec] of Object.entries(TABLES)) await ensureTable(dataset, name, spec);
}
