/**
 * The BigQuery connection: builds the client (Application Default Credentials or
 * GOOGLE_APPLICATION_CREDENTIALS; an emulator endpoint with no credentials at all), gives every
 * request a time cap (the client library's own timeout does not reach its HTTP layer here), and
 * runs parameterized standard-SQL queries whose rows are read through checked accessors.
 */

import { BigQuery, type Query } from "@google-cloud/bigquery";
import { PassThroughClient } from "google-auth-library";
import { withDeadline } from "../deadline.ts";

/** Where the warehouse lives and how to reach it. */
export interface BigQueryTarget {
  readonly projectId: string;
  readonly dataset: string;
  /** Dataset and job location, e.g. `EU` (default: BigQuery's default, `US`). */
  readonly location?: string;
  /** API endpoint, e.g. an emulator's `http://127.0.0.1:9050` (default: Google's). */
  readonly apiEndpoint?: string;
  /** `adc`: Application Default Credentials; `none`: unauthenticated (emulators only). */
  readonly credentials: "adc" | "none";
  /** Time cap of one request (default `DEFAULT_REQUEST_TIMEOUT_MS`). */
  readonly requestTimeoutMs?: number;
}

/** Default time cap of one BigQuery request. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A BigQuery client that knows its requests' time cap. */
export class TimedBigQuery extends BigQuery {
  /** Time cap of one request. */
  requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
}

/** Runs one request with the client's time cap (see `deadline.ts`). */
export function timed<T>(client: BigQuery, operation: string, run: () => Promise<T>): Promise<T> {
  const ms = client instanceof TimedBigQuery ? client.requestTimeoutMs : DEFAULT_REQUEST_TIMEOUT_MS;
  return withDeadline(`BigQuery ${operation}`, ms, run);
}

/** Builds a client for `target`; the client's own retries are off (the warehouse classifies). */
export function createBigQuery(target: BigQueryTarget): TimedBigQuery {
  const client = new TimedBigQuery({
    projectId: target.projectId,
    ...(target.location === undefined ? {} : { location: target.location }),
    ...(target.apiEndpoint === undefined ? {} : { apiEndpoint: target.apiEndpoint }),
    ...(target.credentials === "none" ? { authClient: new PassThroughClient() } : {}),
    autoRetry: false,
  });
  client.requestTimeoutMs = target.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  return client;
}

/** A query parameter value. */
export type Param = string | number | boolean | null | readonly string[] | readonly number[];

/** A result row, read only through the accessors below. */
export type Row = Readonly<Record<string, unknown>>;

/** Runs a standard-SQL query with named parameters and returns its rows. */
export async function query(
  client: BigQuery,
  sql: string,
  params: Readonly<Record<string, Param>> = {},
): Promise<Row[]> {
  const options: Query = { query: sql, useLegacySql: false };
  if (Object.keys(params).length > 0) {
    options.params = params;
    // Empty arrays carry no type BigQuery can infer: declare every array as strings or ints.
    const types: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(params)) {
      if (Array.isArray(value)) types[name] = [typeof value[0] === "number" ? "INT64" : "STRING"];
      else if (value === null) types[name] = "STRING";
    }
    options.types = types;
  }
  const [rows] = await timed(client, "a query", () => client.query(options));
  const out: Row[] = [];
  for (const row of rows as unknown[]) {
    if (typeof row !== "object" || row === null) {
      throw new TypeError(`BigQuery returned a row that is not an object: ${String(row)}`);
    }
    out.push(Object.fromEntries(Object.entries(row)));
  }
  return out;
}

function cell(row: Row, name: string): unknown {
  if (!(name in row)) throw new TypeError(`BigQuery result has no column ${name}`);
  return row[name];
}

/** An integer column (INT64 arrives as a number, or as a string when wrapped). */
export function int(row: Row, name: string): number {
  const value = cell(row, name);
  const n = typeof value === "string" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isSafeInteger(n)) {
    throw new TypeError(`BigQuery column ${name} is not an integer: ${String(value)}`);
  }
  return n;
}

/** A nullable integer column. */
export function intOrNull(row: Row, name: string): number | null {
  return cell(row, name) === null ? null : int(row, name);
}

/** A string column. */
export function str(row: Row, name: string): string {
  const value = cell(row, name);
  if (typeof value !== "string") {
    throw new TypeError(`BigQuery column ${name} is not a string: ${String(value)}`);
  }
  return value;
}

/** A nullable string column. */
export function strOrNull(row: Row, name: string): string | null {
  return cell(row, name) === null ? null : str(row, name);
}

/** A repeated string column. */
export function strings(row: Row, name: string): string[] {
  const value = cell(row, name);
  if (value === null) return [];
  if (!Array.isArray(value) || !value.every((v) => typeof v === "string")) {
    throw new TypeError(`BigQuery column ${name} is not a list of strings`);
  }
  return value;
}

/** A nullable float column. */
export function floatOrNull(row: Row, name: string): number | null {
  const value = cell(row, name);
  if (value === null) return null;
  if (typeof value !== "number") throw new TypeError(`BigQuery column ${name} is not a number`);
  return value;
}

/** A nullable boolean column. */
export function boolOrNull(row: Row, name: string): boolean | null {
  const value = cell(row, name);
  if (value === null || typeof value === "boolean") return value;
  throw new TypeError(`BigQuery column ${name} is not a boolean: ${String(value)}`);
}
