/**
 * Test helpers for the enricher: Kafka messages from text, bytes or objects, and named access
 * to one staged row of a batch.
 */

import { type Cell, type RowBatch, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import type { KafkaMessage } from "./enrich_batch.ts";

const encoder = new TextEncoder();

/** A message on `clicks`/0 at `offset` whose value is `value` (objects as JSON). */
export function messageOf(value: string | Uint8Array | object, offset = 0): KafkaMessage {
  const bytes = value instanceof Uint8Array
    ? value
    : encoder.encode(typeof value === "string" ? value : JSON.stringify(value));
  return {
    topic: "clicks",
    partition: 0,
    offset,
    timestampMs: 1_591_266_092_500,
    key: null,
    value: bytes,
  };
}

/** Row `row` of a batch as an object keyed by column name. */
export function rowAt(batch: RowBatch, row: number): Record<string, Cell> {
  const out: Record<string, Cell> = {};
  STAGING_COLUMNS.forEach((spec, i) => {
    out[spec.name] = batch.columns[i]?.[row] ?? null;
  });
  return out;
}

/** A product view as the shop sends it (most fields of EVENTS.md, realistic values). */
export function productView(): Record<string, unknown> {
  return {
    time_stamp: 1_591_266_092,
    ip: "37.170.17.183",
    user_agent:
      "Mozilla/5.0 (iPhone; CPU iPhone OS 13_4_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/13.1 Mobile/15E148 Safari/604.1",
    resolution: "375x667",
    user_id_db: "",
    device_id: "bea4c4f7-26d4-4b5a-b5d4-9e5c7a1f0c57",
    api_version: "1.0",
    store_id: "12",
    local_time: "2020-06-04 12:21:32",
    show_recommendation: "false",
    current_url:
      "https://www.glamira.fr/glamira-bague-lunette.html?alloy=white-585&diamond=sapphire",
    referrer_url: "https://www.glamira.fr/bagues-femme/",
    email_address: "",
    recommendation: false,
    utm_source: false,
    utm_medium: false,
    collection: "view_product_detail",
    product_id: "110474",
    option: [
      { option_label: "alloy", option_id: "331", value_label: "white-585", value_id: "3216" },
      { option_label: "diamond", option_id: "", value_label: "", value_id: "" },
    ],
  };
}
