/**
 * Parses the `user_agents` dimension again at open when the parser changed. Narrow staging rows
 * read their 15 UA fields from the dimension, which keeps a string's first parse, so after an
 * upgrade of the parser (`USER_AGENT_PARSER_VERSION`) rows of strings seen before would keep the
 * old parse. At open, when the version the dimension was parsed with (`warehouse_metadata`) is not
 * the running one, or is absent on a dimension that has rows (written before versions were
 * stored), every row is parsed again with the enricher's parser and the changed ones updated, in
 * transactions of at most `chunkRows` rows taken by `rowid` range; then the version is stored.
 * The key (MD5 of the string) does not change, so staging rows need nothing.
 *
 * Why a metadata table and not a column per row: the check at each open is one keyed read instead
 * of a scan of a dimension of millions of rows, and the dimension's rows (appended with every
 * batch of new agents) carry no bytes for it. A row's parse is only ever the running version's
 * once the re-parse has finished, which is what the one stored value says.
 *
 * Interrupted (crash, kill) half-way, it finishes at the next open: each chunk commits its
 * updates with the first `rowid` it did not cover (`user_agents_reparse_progress`, for the version
 * it parses to), the next open goes on from there, and the version is stored only after the last
 * chunk. Parsing a row again gives the same values, so a chunk done twice changes nothing.
 *
 * Why `rowid` ranges and not `user_agent_id` order: a range reads only its row groups, while each
 * keyed chunk (`WHERE user_agent_id > $last ORDER BY user_agent_id LIMIT n`) scans and sorts the
 * whole dimension, which made a re-parse quadratic (about 0.4-0.9 s per chunk at 1M rows on the
 * 2-core machine, more than parsing the chunk). A row keeps its `rowid`: the dimension is only
 * appended to (no row is ever deleted, so nothing is vacuumed) and the columns updated here are not
 * indexed (DuckDB updates them in place).
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Cell } from "../../../messages/staging_columns.ts";
import { getLogger } from "../../../observability/log.ts";
import { USER_AGENT_PARSER_VERSION } from "../../enricher/user_agent_parser_version.ts";
import type { UserAgentInfo } from "../../enricher/user_agent_info.ts";
import { STAGING_TABLE_COLUMNS, type TableColumnType } from "../table_columns.ts";
import { TEMP_TABLE, withAppender } from "./appender_scope.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";
import { inTransaction } from "./transaction.ts";

const log = getLogger("writer");

/** `warehouse_metadata` key of the parser version the dimension was parsed with. */
export const PARSER_VERSION_KEY = "user_agents_parser_version";
/** `warehouse_metadata` key of an unfinished re-parse: `{ version, fromRowid }` as JSON. */
export const REPARSE_PROGRESS_KEY = "user_agents_reparse_progress";

/** Rows per re-parse transaction: ~10,000 × (string + 15 fields) stays a few MiB. */
export const REPARSE_CHUNK_ROWS = 10_000;

/** The dimension's parsed columns and where each comes from in a parse. */
export const REPARSED_FIELDS: readonly (readonly [string, (info: UserAgentInfo) => Cell])[] = [
  ["browser_family", (i) => i.browserFamily],
  ["browser_version", (i) => i.browserVersion],
  ["os_family", (i) => i.osFamily],
  ["os_version", (i) => i.osVersion],
  ["device_family", (i) => i.deviceFamily],
  ["device_brand", (i) => i.deviceBrand],
  ["device_model", (i) => i.deviceModel],
  ["is_mobile", (i) => i.isMobile],
  ["is_tablet", (i) => i.isTablet],
  ["is_touch_capable", (i) => i.isTouchCapable],
  ["is_pc", (i) => i.isPc],
  ["is_bot", (i) => i.isBot],
  ["ua_engine", (i) => i.engine],
  ["ua_cpu_architecture", (i) => i.cpuArchitecture],
  ["ua_is_bot_strict", (i) => i.isBotStrict],
];

const NAMES = REPARSED_FIELDS.map(([name]) => name);
const typeOf = (name: string): TableColumnType =>
  STAGING_TABLE_COLUMNS.find((c) => c.name === name)?.type ?? "VARCHAR";

/** Options of a re-parse (tests and the bench; the writer uses the defaults). */
export interface ReparseOptions {
  /** The running parser's version (default `USER_AGENT_PARSER_VERSION`). */
  readonly version?: string;
  /** Rows per transaction (default `REPARSE_CHUNK_ROWS`). */
  readonly chunkRows?: number;
  /** Called after each chunk's commit (a test throws here to interrupt the re-parse). */
  readonly afterChunk?: (chunk: number) => void;
  /** Called once when a re-parse begins, with the dimension's row count (the open says so). */
  readonly onBegin?: (agents: number) => void;
}

/** What a re-parse did (all 0 when the dimension was at the running version or empty). */
export interface ReparseReport {
  /** Rows parsed again by this run (after a resumed run: those after its progress). */
  readonly parsed: number;
  /** Rows whose fields the parse changed. */
  readonly changed: number;
  readonly ms: number;
}

/** The value stored under `key`, or undefined. */
export async function readMetadata(
  connection: DuckDBConnection,
  key: string,
): Promise<string | undefined> {
  const [[value] = []] = (await connection.runAndReadAll(
    "SELECT value FROM warehouse_metadata WHERE key = $1",
    [key],
  )).getRowsJS();
  return typeof value === "string" ? value : undefined;
}

/** Stores `value` under `key` (in the caller's transaction, if any). */
export async function writeMetadata(
  connection: DuckDBConnection,
  key: string,
  value: string,
): Promise<void> {
  await connection.run(
    "INSERT OR REPLACE INTO warehouse_metadata (key, value, updated_at) VALUES ($1, $2, now())",
    [key, value],
  );
}

/** The `rowid` from which an unfinished re-parse to `version` goes on (0: from the start). */
async function resumeFrom(connection: DuckDBConnection, version: string): Promise<number> {
  const text = await readMetadata(connection, REPARSE_PROGRESS_KEY);
  if (text === undefined) return 0;
  let progress: unknown;
  try {
    progress = JSON.parse(text);
  } catch (error: unknown) {
    throw new Error(
      `Cannot read the user_agents re-parse progress ${JSON.stringify(text)}: delete it ` +
        `(DELETE FROM warehouse_metadata WHERE key = '${REPARSE_PROGRESS_KEY}') to parse the ` +
        "dimension again from its first row",
      { cause: error },
    );
  }
  if (
    typeof progress === "object" && progress !== null && "version" in progress &&
    "fromRowid" in progress && progress.version === version &&
    Number.isSafeInteger(progress.fromRowid)
  ) return Number(progress.fromRowid);
  return 0; // progress towards another version: start again
}

/** One chunk's rows whose parse differs from what is stored, as columns to update. */
interface Changes {
  readonly count: number;
  readonly columns: ChunkColumn[];
}

/** The rows of one chunk whose parse differs from what is stored. */
function changedRows(
  rows: readonly (readonly unknown[])[],
  parse: (ua: string) => UserAgentInfo,
): Changes {
  const ids: Cell[] = [];
  const fields: Cell[][] = NAMES.map(() => []);
  for (const [id, ua, ...stored] of rows) {
    if (typeof ua !== "string") continue; // nothing to parse: left as it is
    const info = parse(ua);
    const parsed = REPARSED_FIELDS.map(([, of]) => of(info));
    if (parsed.every((value, i) => value === (stored[i] ?? null))) continue;
    ids.push(String(id));
    parsed.forEach((value, i) => fields[i]?.push(value));
  }
  const columns: ChunkColumn[] = [
    { name: "user_agent_id", type: "VARCHAR", cells: ids },
    ...NAMES.map((name, i) => ({ name, type: typeOf(name), cells: fields[i] ?? [] })),
  ];
  return { count: ids.length, columns };
}

/** Rows of `user_agents` whose `rowid` is in `[from, to)`. */
const inRange = (from: number, to: number) =>
  `user_agents.rowid >= ${from} AND user_agents.rowid < ${to}`;

/** Updates one chunk's changed rows (`rowid`s in `[from, to)`) through a temp table. */
async function updateRows(
  connection: DuckDBConnection,
  { count, columns }: Changes,
  from: number,
  to: number,
): Promise<void> {
  if (count === 0) return;
  // Made again for each chunk: emptied with DELETE and filled again instead, DuckDB 1.5.5 took
  // about 5 s instead of 40 ms for the UPDATE of the third and later chunks (10,000 rows).
  await connection.run(
    `CREATE OR REPLACE TEMP TABLE user_agent_reparse AS
     SELECT user_agent_id, ${NAMES.join(", ")} FROM user_agents LIMIT 0`,
  );
  await withAppender(
    connection,
    "user_agent_reparse",
    (appender) => appendColumns(appender, columns, count),
    TEMP_TABLE,
  );
  await connection.run(
    `UPDATE user_agents SET ${NAMES.map((c) => `${c} = r.${c}`).join(", ")}
     FROM user_agent_reparse r
     WHERE user_agents.user_agent_id = r.user_agent_id AND ${inRange(from, to)}`,
  );
}

/**
 * Parses the dimension again when it was parsed with another version than the running one (see
 * the module doc); stores the running version in a new or empty warehouse. Run at open, before
 * any batch, outside a transaction (it commits its own).
 */
export async function reparseUserAgents(
  connection: DuckDBConnection,
  options: ReparseOptions = {},
): Promise<ReparseReport> {
  const version = options.version ?? USER_AGENT_PARSER_VERSION;
  const chunkRows = options.chunkRows ?? REPARSE_CHUNK_ROWS;
  const stored = await readMetadata(connection, PARSER_VERSION_KEY);
  if (stored === version) return { parsed: 0, changed: 0, ms: 0 };
  const [[count] = []] = (await connection.runAndReadAll("SELECT count(*) FROM user_agents"))
    .getRowsJS();
  const agents = Number(count ?? 0);
  if (agents === 0) {
    await inTransaction(connection, async () => {
      await writeMetadata(connection, PARSER_VERSION_KEY, version);
      await connection.run("DELETE FROM warehouse_metadata WHERE key = $1", [REPARSE_PROGRESS_KEY]);
    });
    return { parsed: 0, changed: 0, ms: 0 };
  }
  const begun = performance.now();
  const [[maxRowid] = []] = (await connection.runAndReadAll("SELECT max(rowid) FROM user_agents"))
    .getRowsJS();
  const end = Number(maxRowid ?? -1) + 1;
  let from = await resumeFrom(connection, version);
  log.info("WriterUserAgentsReparsing", {
    from: stored ?? null,
    to: version,
    agents,
    resumedFromRowid: from === 0 ? null : from,
  });
  options.onBegin?.(agents);
  // Loaded only here: compiling the rules costs 50-170 ms of CPU at the first parse.
  const { parseUserAgent } = await import("../../enricher/user_agent_info.ts");
  let parsed = 0;
  let changed = 0;
  let chunks = 0;
  while (from < end) {
    const to = from + chunkRows;
    const rows = (await connection.runAndReadAll(
      `SELECT user_agent_id, user_agent, ${NAMES.join(", ")} FROM user_agents
       WHERE ${inRange(from, to)}`,
    )).getRowsJS();
    const changes = changedRows(rows, parseUserAgent);
    await inTransaction(connection, async () => {
      await updateRows(connection, changes, from, to);
      await writeMetadata(
        connection,
        REPARSE_PROGRESS_KEY,
        JSON.stringify({ version, fromRowid: to }),
      );
    });
    from = to;
    parsed += rows.length;
    changed += changes.count;
    chunks++;
    options.afterChunk?.(chunks);
  }
  await inTransaction(connection, async () => {
    await writeMetadata(connection, PARSER_VERSION_KEY, version);
    await connection.run("DELETE FROM warehouse_metadata WHERE key = $1", [REPARSE_PROGRESS_KEY]);
  });
  await connection.run("DROP TABLE IF EXISTS user_agent_reparse");
  const ms = Math.round(performance.now() - begun);
  log.info("WriterUserAgentsReparsed", {
    from: stored ?? null,
    to: version,
    agents,
    parsed,
    changed,
    chunks,
    ms,
  });
  return { parsed, changed, ms };
}
