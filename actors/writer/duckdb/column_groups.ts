/**
 * Named groups of staging columns that the writer-alone bench (`bench -- duckdb --without=...`)
 * can leave out of the staging table, to measure what each group costs DuckDB per row. The key
 * (`_partition`, `_offset`, `_offset_epoch`), `user_agent_id` and everything not named in a group
 * are always kept. The `ua` group is also what the warehouse's narrow staging generations leave
 * to the `user_agents` dimension (`staging_shape.ts`).
 */
import {
  STAGING_TABLE_COLUMNS,
  type TableColumnType,
  USER_AGENT_COLUMNS,
} from "../table_columns.ts";

/** The groups, by name: the columns each leaves out. */
export const COLUMN_GROUPS = {
  /** The raw User-Agent string and every field derived from it (the dimension's key stays). */
  ua: [
    ...USER_AGENT_COLUMNS.filter((name) => name !== "user_agent_id"),
    "ua_engine",
    "ua_cpu_architecture",
    "ua_is_bot_strict",
  ],
  /** What the geoip table adds, and its version. */
  geo: [
    "country_code",
    "country",
    "region",
    "city",
    "latitude",
    "longitude",
    "geo_table_version",
  ],
  urls: ["current_url", "referrer_url"],
  /** The lists: `option`, `cart_products` and `catalog_product_ids`. */
  nested: ["option", "cart_products", "catalog_product_ids"],
  /** The Kafka topic, the same on every row of a partition. */
  kafka: ["_topic"],
} as const satisfies Record<string, readonly string[]>;

/** Name of a column group. */
export type ColumnGroup = keyof typeof COLUMN_GROUPS;

const isGroup = (name: string): name is ColumnGroup => Object.hasOwn(COLUMN_GROUPS, name);

/** Parses a comma-separated list of group names (`ua,geo`); an empty text names none. */
export function parseGroups(text: string): ColumnGroup[] {
  const names = text.split(",").map((name) => name.trim()).filter((name) => name !== "");
  for (const name of names) {
    if (!isGroup(name)) {
      throw new RangeError(
        `Unknown column group ${JSON.stringify(name)}: use ${
          Object.keys(COLUMN_GROUPS).join(", ")
        }, comma-separated`,
      );
    }
  }
  return [...new Set(names as ColumnGroup[])];
}

/** The staging table's columns, in table order, without those of `groups`. */
export function columnsWithout(
  groups: readonly ColumnGroup[],
): { name: string; type: TableColumnType }[] {
  const left = new Set<string>(groups.flatMap((group) => COLUMN_GROUPS[group]));
  return STAGING_TABLE_COLUMNS.filter((column) => !left.has(column.name));
}
