/**
 * The `user_agents` columns that narrow staging generations read beyond the original's twelve
 * fields (`staging_shape.ts`), filled once, at the open that adds them, for the user agents a file
 * already holds: from the newest wide staging generation that still has a UA's fields, else by
 * parsing the stored string again with the enricher's parser (loaded only then). New user agents
 * get them from their batch (`dimensions.ts`).
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Cell } from "../../../messages/staging_columns.ts";
import { getLogger } from "../../../observability/log.ts";
import { TEMP_TABLE, withAppender } from "./appender_scope.ts";
import { appendColumns, type ChunkColumn } from "./column_chunks.ts";
import { tableColumns } from "./staging_shape.ts";

const log = getLogger("writer");

/** The dimension's columns added for narrow generations, in staging table order. */
export const ADDED_UA_COLUMNS = ["ua_engine", "ua_cpu_architecture", "ua_is_bot_strict"] as const;

/** The added fields of one user agent, in `ADDED_UA_COLUMNS` order. */
type AddedFields = [Cell, Cell, Cell];

const asCell = (value: unknown): Cell =>
  typeof value === "string" || typeof value === "boolean" ? value : null;

/** The added fields the wide generations hold, per user agent, the newest generation's first. */
async function fromWideGenerations(
  connection: DuckDBConnection,
  wanted: ReadonlySet<string>,
): Promise<Map<string, AddedFields>> {
  const found = new Map<string, AddedFields>();
  const generations = (await connection.runAndReadAll(
    `SELECT generation FROM staging_generations WHERE state IN ('open', 'sealed')
     ORDER BY generation DESC`,
  )).getRowsJS().map(([g]) => Number(g));
  for (const generation of generations) {
    const table = `staging_g${generation}`;
    const columns = await tableColumns(connection, table);
    if (!ADDED_UA_COLUMNS.every((name) => columns.includes(name))) continue;
    const rows = (await connection.runAndReadAll(
      `SELECT DISTINCT ON (user_agent_id) user_agent_id, ${ADDED_UA_COLUMNS.join(", ")}
       FROM ${table} WHERE user_agent_id IS NOT NULL`,
    )).getRowsJS();
    for (const [id, engine, cpu, strict] of rows) {
      const key = String(id);
      if (wanted.has(key) && !found.has(key)) {
        found.set(key, [asCell(engine), asCell(cpu), asCell(strict)]);
      }
    }
  }
  return found;
}

/**
 * Fills the added columns of every stored user agent (see the module doc). Run inside the
 * transaction that added them.
 */
export async function fillAddedUserAgentColumns(connection: DuckDBConnection): Promise<void> {
  const agents = (await connection.runAndReadAll(
    "SELECT user_agent_id, user_agent FROM user_agents",
  )).getRowsJS().map(([id, ua]) => ({ id: String(id), ua: typeof ua === "string" ? ua : null }));
  if (agents.length === 0) return;
  const fields = await fromWideGenerations(connection, new Set(agents.map((a) => a.id)));
  const fromStaging = fields.size;
  const unparsed = agents.filter((a) => !fields.has(a.id));
  if (unparsed.length > 0) {
    const { parseUserAgent } = await import("../../enricher/user_agent_info.ts");
    for (const { id, ua } of unparsed) {
      const info = ua === null ? undefined : parseUserAgent(ua);
      fields.set(id, [
        info?.engine ?? null,
        info?.cpuArchitecture ?? null,
        info?.isBotStrict ?? null,
      ]);
    }
  }
  const ids = [...fields.keys()];
  const values = [...fields.values()];
  await connection.run(
    `CREATE TEMP TABLE user_agent_fill (user_agent_id VARCHAR, ua_engine VARCHAR,
       ua_cpu_architecture VARCHAR, ua_is_bot_strict BOOLEAN)`,
  );
  const columns: ChunkColumn[] = [
    { name: "user_agent_id", type: "VARCHAR", cells: ids },
    { name: "ua_engine", type: "VARCHAR", cells: values.map((v) => v[0]) },
    { name: "ua_cpu_architecture", type: "VARCHAR", cells: values.map((v) => v[1]) },
    { name: "ua_is_bot_strict", type: "BOOLEAN", cells: values.map((v) => v[2]) },
  ];
  await withAppender(
    connection,
    "user_agent_fill",
    (appender) => appendColumns(appender, columns, ids.length),
    TEMP_TABLE,
  );
  await connection.run(
    `UPDATE user_agents SET ${ADDED_UA_COLUMNS.map((c) => `${c} = f.${c}`).join(", ")}
     FROM user_agent_fill f WHERE user_agents.user_agent_id = f.user_agent_id`,
  );
  await connection.run("DROP TABLE user_agent_fill");
  log.info("WriterUserAgentFieldsFilled", {
    agents: agents.length,
    fromStaging,
    parsed: unparsed.length,
  });
}
