/**
 * The event schema of EVENTS.md as data: each top-level field with its staging column, how it
 * is coerced (its declared type corrected by what producers really send) and its length limit.
 */

import { COLUMN_INDEX } from "../../messages/staging_columns.ts";

/** How a field's value is read. */
export type FieldKind =
  /** string; numbers become their text */
  | "text"
  /** string; booleans also become "true"/"false" (show_recommendation) */
  | "booleanText"
  /** boolean sent as true/false or their text; other text is kept in extra (utm_*) */
  | "flag"
  /** 64-bit integer; what does not fit is kept in extra (order_id) */
  | "bigint"
  /** 32-bit integer */
  | "int32"
  /** epoch seconds (time_stamp) */
  | "seconds"
  /** boolean */
  | "boolean"
  /** option list (an object is one element) */
  | "option"
  /** cart lines */
  | "cart";

/** One top-level field of the event. */
export interface EventField {
  readonly name: string;
  /** Index of its staging column. */
  readonly column: number;
  readonly kind: FieldKind;
  /** Longest text kept; longer values are truncated with a problem. */
  readonly maxChars: number;
}

/** Longest text kept for most fields. */
export const DEFAULT_MAX_CHARS = 1024;
/** Longest URL kept. */
export const URL_MAX_CHARS = 4096;

/** Index of a staging column; `RangeError` for a name the contract lacks (fails at load). */
export function columnAt(name: string): number {
  const index = COLUMN_INDEX[name];
  if (index === undefined) throw new RangeError(`Unknown staging column: ${name}`);
  return index;
}

const field = (name: string, kind: FieldKind, maxChars = DEFAULT_MAX_CHARS): EventField => ({
  name,
  column: columnAt(name),
  kind,
  maxChars,
});

/** The event's fields by name. */
export const EVENT_FIELDS: ReadonlyMap<string, EventField> = new Map(
  [
    field("api_version", "text"),
    field("cart_products", "cart"),
    field("cat_id", "text"),
    field("collect_id", "text"),
    field("collection", "text"),
    field("currency", "text"),
    field("current_url", "text", URL_MAX_CHARS),
    field("device_id", "text"),
    field("email_address", "text"),
    field("ip", "text"),
    field("is_paypal", "boolean"),
    field("key_search", "text"),
    field("local_time", "text"),
    field("option", "option"),
    field("order_id", "bigint"),
    field("price", "text"),
    field("product_id", "text"),
    field("recommendation", "boolean"),
    field("recommendation_clicked_position", "int32"),
    field("recommendation_product_id", "text"),
    field("recommendation_product_position", "text"),
    field("referrer_url", "text", URL_MAX_CHARS),
    field("resolution", "text"),
    field("show_recommendation", "booleanText"),
    field("store_id", "text"),
    field("time_stamp", "seconds"),
    field("user_agent", "text"),
    field("user_id_db", "text"),
    field("utm_medium", "flag"),
    field("utm_source", "flag"),
    field("viewing_product_id", "text"),
  ].map((f) => [f.name, f]),
);
