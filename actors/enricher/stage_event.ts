/**
 * One event object -> the cells of its staged row: every declared field coerced without loss
 * (problems recorded on the row, never thrown), cleaned, then event time, catalog ids, the
 * User-Agent and IP enrichment, and undeclared fields kept as JSON in `extra`. Per-event work
 * is linear in the event's size, and problems and `extra` are capped (problem_list.ts,
 * extra_fields.ts).
 */

import type { Cell } from "../../messages/staging_columns.ts";
import type { GeoLookup } from "../geoip/geo_lookup.ts";
import { putLocation, putUserAgent } from "./enrichment_columns.ts";
import { columnAt, EVENT_FIELDS, type EventField } from "./event_fields.ts";
import {
  asBigint,
  asBoolean,
  asFlag,
  asInteger,
  asText,
  integerDigits,
  isEmpty,
  type Problems,
} from "./field_coercion.ts";
import { ExtraFields } from "./extra_fields.ts";
import { cartProductList, type Misfits, optionList } from "./nested_lists.ts";
import { ProblemList } from "./problem_list.ts";
import { cellAt, put } from "./row_cells.ts";
import type { UserAgentCache } from "./user_agent_cache.ts";

/** What staging needs besides the event. */
export interface StageContext {
  readonly userAgents: UserAgentCache;
  /** The IP range table; without one the geo columns stay null. */
  readonly geo?: GeoLookup | undefined;
}

/** Plausible event times: 2000-01-01 to 2100-01-01, epoch seconds (ms or µs fall outside). */
export const MIN_EVENT_SECONDS = 946_684_800;
/** Upper bound (exclusive) of plausible event times, epoch seconds. */
export const MAX_EVENT_SECONDS = 4_102_444_800;

const COL = {
  eventTime: columnAt("event_time_ms"),
  problems: columnAt("field_problems"),
  timeStamp: columnAt("time_stamp"),
  productId: columnAt("product_id"),
  userAgent: columnAt("user_agent"),
  ip: columnAt("ip"),
  catalogIds: columnAt("catalog_product_ids"),
  extra: columnAt("extra"),
} as const;

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;

function coerce(
  f: EventField,
  value: unknown,
  problems: Problems,
  misfits: Misfits,
  productIds: string[],
): Cell {
  switch (f.kind) {
    case "text":
      return asText(f.name, value, f.maxChars, problems);
    case "booleanText":
      return asText(f.name, value, f.maxChars, problems, true);
    case "flag":
      return asFlag(f.name, value, problems, misfits);
    case "bigint":
      return asBigint(f.name, value, problems, misfits);
    case "int32":
      return asInteger(f.name, value, INT32_MIN, INT32_MAX, problems);
    case "seconds":
      return asInteger(f.name, value, Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, problems);
    case "boolean":
      return asBoolean(f.name, value, problems);
    case "option":
      return optionList(value, problems, misfits);
    case "cart":
      return cartProductList(value, problems, misfits, productIds);
    default: {
      const unknownKind: never = f.kind;
      throw new TypeError(`Cannot coerce field ${f.name}: unknown kind ${String(unknownKind)}`);
    }
  }
}

function eventTime(seconds: Cell, present: boolean, problems: Problems): number | null {
  if (typeof seconds === "number") {
    if (seconds >= MIN_EVENT_SECONDS && seconds < MAX_EVENT_SECONDS) return seconds * 1000;
    problems.push(
      `time_stamp: ${seconds} is not epoch seconds in 2000..2100; event_time_ms left null`,
    );
  } else if (!present) {
    problems.push("time_stamp: missing; event_time_ms left null");
  }
  return null;
}

function catalogIds(columns: Cell[][], row: number, cartIds: string[], problems: Problems) {
  if (cartIds.length > 0) return cartIds;
  const productId = cellAt(columns, COL.productId, row);
  if (typeof productId !== "string") return null;
  const digits = integerDigits(productId);
  if (digits !== null) return [digits];
  problems.push("product_id: not an integer id; left out of catalog_product_ids");
  return null;
}

/**
 * Writes the cells of `event` at `row` (all but the Kafka coordinates). The row's cells must
 * be null on entry. Throws only on a value JSON cannot represent again (nesting too deep).
 */
export function stageEvent(
  event: Record<string, unknown>,
  columns: Cell[][],
  row: number,
  context: StageContext,
): void {
  const problems = new ProblemList();
  const cartIds: string[] = [];
  const extra = new ExtraFields();
  let timeStampSent = false;
  for (const key in event) {
    // JSON.parse makes "__proto__" an own key; reading it with [] would give the prototype.
    const value: unknown = key === "__proto__"
      ? Object.getOwnPropertyDescriptor(event, key)?.value
      : event[key];
    if (isEmpty(value)) continue;
    const f = EVENT_FIELDS.get(key);
    if (f === undefined) {
      extra.add(key, value);
      continue;
    }
    if (f.kind === "seconds") timeStampSent = true;
    put(columns, f.column, row, coerce(f, value, problems, extra, cartIds));
  }

  put(
    columns,
    COL.eventTime,
    row,
    eventTime(cellAt(columns, COL.timeStamp, row), timeStampSent, problems),
  );
  put(columns, COL.catalogIds, row, catalogIds(columns, row, cartIds, problems));
  const ua = cellAt(columns, COL.userAgent, row);
  if (typeof ua === "string") putUserAgent(columns, row, ua, context.userAgents);
  const ip = cellAt(columns, COL.ip, row);
  putLocation(columns, row, typeof ip === "string" ? ip : null, context.geo, problems);
  put(columns, COL.extra, row, extra.json());
  extra.report(problems);
  if (problems.length > 0) put(columns, COL.problems, row, problems.list());
}
