/**
 * Test helper: reads a stopped pipeline's DuckDB file and checks the delivery promise per
 * partition: every offset of the topic is in staging or in the dead letters, exactly once.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../actors/writer/sql_string.ts";

/** What the warehouse holds for one topic. */
export interface WarehouseContents {
  /** Staged rows per partition, as offsets. */
  readonly staged: Map<number, number[]>;
  /** Rows in the lake's Parquet files per partition, as offsets (empty without a lake). */
  readonly exported: Map<number, number[]>;
  /** Files left in the lake's temporary staging area (orphans, when not empty). */
  readonly orphans: string[];
  /** Dead letters per partition, as offsets. */
  readonly dead: Map<number, number[]>;
  /** Dead letters by code. */
  readonly deadByCode: Record<string, number>;
  /** Staged rows with at least one field problem, and those mentioning the ip field. */
  readonly rowsWithProblems: number;
  readonly rowsWithIpProblems: number;
  /** Distinct user agents and products in the dimensions. */
  readonly userAgents: number;
  readonly products: number;
}

function grouped(rows: unknown[][]): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const [partition, offset] of rows) {
    const list = out.get(Number(partition)) ?? [];
    list.push(Number(offset));
    out.set(Number(partition), list);
  }
  return out;
}

/** Runs one query on a stopped pipeline's DuckDB file, read-only, and returns its rows. */
export async function queryWarehouse(dbPath: string, sql: string): Promise<unknown[][]> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(sql)).getRowsJS();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * Reads the contents of `dbPath` for `topic` (the pipeline must be stopped); with `epoch`, only
 * rows and dead letters of that watermark epoch (a topic reset to a new log).
 */
export async function readWarehouse(
  dbPath: string,
  topic: string,
  lakeDir?: string,
  epoch?: number,
): Promise<WarehouseContents> {
  const instance = await DuckDBInstance.create(dbPath, { access_mode: "READ_ONLY" });
  const db = await instance.connect();
  try {
    const query = async (sql: string) => (await db.runAndReadAll(sql)).getRowsJS();
    const generations = (await query(
      "SELECT generation FROM staging_generations WHERE state <> 'dropped' ORDER BY 1",
    )).map(([g]) => Number(g));
    const t = sqlString(topic);
    const inEpoch = (column: string) => epoch === undefined ? "" : ` AND ${column} = ${epoch}`;
    const union = generations.map((g) =>
      `SELECT _partition, _offset, field_problems FROM staging_g${g} WHERE _topic = ${t}${
        inEpoch("_offset_epoch")
      }`
    ).join(" UNION ALL ");
    const stagedRows = union === ""
      ? []
      : await query(`SELECT _partition, _offset FROM (${union})`);
    const problems = union === "" ? [[0, 0]] : await query(
      `SELECT count(*) FILTER (len(field_problems) > 0),
              count(*) FILTER (list_any_value(list_filter(field_problems, p -> p LIKE 'ip%')) IS NOT NULL)
       FROM (${union})`,
    );
    const deadRows = await query(
      `SELECT "partition", "offset" FROM dead_letters WHERE topic = ${t}${inEpoch("offset_epoch")}`,
    );
    const codes = await query(
      `SELECT code, count(*) FROM dead_letters WHERE topic = ${t}${
        inEpoch("offset_epoch")
      } GROUP BY code`,
    );
    const files = lakeDir === undefined ? [] : await parquetFiles(`${lakeDir}/bronze/summary`);
    const exportedRows = files.length === 0 ? [] : await query(
      `SELECT _partition, _offset FROM read_parquet([${
        files.map((f) => `'${f}'`).join(", ")
      }]) WHERE _topic = ${t}`,
    );
    const orphans = lakeDir === undefined ? [] : await parquetFiles(`${lakeDir}/_staging`);
    const [[userAgents]] = await query("SELECT count(*) FROM user_agents") as [[bigint]];
    const [[products]] = await query("SELECT count(*) FROM product_catalog") as [[bigint]];
    return {
      staged: grouped(stagedRows),
      exported: grouped(exportedRows),
      orphans,
      dead: grouped(deadRows),
      deadByCode: Object.fromEntries(codes.map(([code, n]) => [String(code), Number(n)])),
      rowsWithProblems: Number(problems[0]?.[0] ?? 0),
      rowsWithIpProblems: Number(problems[0]?.[1] ?? 0),
      userAgents: Number(userAgents),
      products: Number(products),
    };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Every file under `dir`, recursively (none when it does not exist). */
async function parquetFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory) out.push(...await parquetFiles(path));
      else out.push(path);
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  return out;
}

/**
 * Problems with the exactly-once promise: for each partition, offsets 0..end-1 must appear
 * exactly once over staging, the lake and the dead letters. Empty when the promise holds.
 */
export function exactlyOnceProblems(
  contents: WarehouseContents,
  ends: ReadonlyMap<number, number>,
): string[] {
  const problems: string[] = [];
  for (const [partition, end] of ends) {
    const seen = new Uint8Array(end);
    const all = [
      ...contents.staged.get(partition) ?? [],
      ...contents.exported.get(partition) ?? [],
      ...contents.dead.get(partition) ?? [],
    ];
    for (const offset of all) {
      if (offset < 0 || offset >= end) {
        problems.push(`p${partition}: offset ${offset} is past the end ${end}`);
      } else seen[offset] = (seen[offset] ?? 0) + 1;
    }
    const missing = seen.reduce((n, c) => n + (c === 0 ? 1 : 0), 0);
    const doubled = seen.reduce((n, c) => n + (c > 1 ? 1 : 0), 0);
    if (missing > 0) problems.push(`p${partition}: ${missing} offsets missing`);
    if (doubled > 0) problems.push(`p${partition}: ${doubled} offsets stored more than once`);
  }
  return problems;
}
