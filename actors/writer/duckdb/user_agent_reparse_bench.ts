/**
 * `deno task bench -- ua-reparse`: what a user-agent parser upgrade costs a DuckDB warehouse at
 * its next open (`user_agent_reparse.ts`): a dimension of N distinct strings (`--agents=N`,
 * default 100,000; the enrich bench's pool) stamped with another parser version, parsed again
 * twice: first with every row's fields stale (every row updated), then stamped again with its
 * fields already current (parsed and compared, nothing updated). Prints wall ms, process CPU per
 * string (the enricher's parser in this thread and DuckDB's), and the parse alone for the same
 * strings. `--chunk=N` sets the rows per transaction (default `REPARSE_CHUNK_ROWS`).
 */

import process from "node:process";
import { DuckDBInstance } from "@duckdb/node-api";
import { BenchFlags } from "../../../bench/bench_flags.ts";
import { sampleUserAgent } from "../../enricher/sample_events.ts";
import { parseUserAgent, userAgentId } from "../../enricher/user_agent_info.ts";
import { DuckDBWarehouse, instanceConfig } from "./duckdb_warehouse.ts";
import { TEMP_TABLE, withAppender } from "./appender_scope.ts";
import { appendColumns } from "./column_chunks.ts";
import {
  PARSER_VERSION_KEY,
  REPARSE_CHUNK_ROWS,
  reparseUserAgents,
  writeMetadata,
} from "./user_agent_reparse.ts";

const STALE_VERSION = "bench-stale-version";

/** Process CPU time so far, ms (user + system, every thread). */
function cpuMs(): number {
  const used = process.cpuUsage();
  return (used.user + used.system) / 1000;
}

/** Fills the dimension of the file at `path` with `agents` strings whose fields are stale. */
async function fillStale(path: string, agents: readonly string[]): Promise<void> {
  const instance = await DuckDBInstance.create(path);
  const connection = await instance.connect();
  try {
    await connection.run(
      `CREATE TEMP TABLE fill (user_agent_id VARCHAR, user_agent VARCHAR, browser_family VARCHAR)`,
    );
    await withAppender(connection, "fill", (appender) =>
      appendColumns(appender, [
        { name: "user_agent_id", type: "VARCHAR", cells: agents.map(userAgentId) },
        { name: "user_agent", type: "VARCHAR", cells: [...agents] },
        { name: "browser_family", type: "VARCHAR", cells: agents.map(() => "stale") },
      ], agents.length), TEMP_TABLE);
    await connection.run(
      `INSERT INTO user_agents (user_agent_id, user_agent, browser_family, first_seen_at)
       SELECT user_agent_id, user_agent, browser_family, now() FROM fill`,
    );
    await writeMetadata(connection, PARSER_VERSION_KEY, STALE_VERSION);
    await connection.run("CHECKPOINT");
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}

/** Runs the benchmark; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const flags = new BenchFlags("ua-reparse", args);
  const count = flags.count("agents", 100_000);
  const chunkRows = flags.count("chunk", REPARSE_CHUNK_ROWS);
  flags.rejectUnread();
  const agents = Array.from({ length: count }, (_, i) => sampleUserAgent(i));
  const dir = await Deno.makeTempDir({ prefix: "bench_ua_reparse_" });
  const path = `${dir}/warehouse.duckdb`;
  try {
    const created = new DuckDBWarehouse({ path });
    await created.open();
    await created.close();
    await fillStale(path, agents);
    const instance = await DuckDBInstance.create(path, instanceConfig({ path }));
    const connection = await instance.connect();
    try {
      console.log(
        `ua-reparse: ${count.toLocaleString("en-US")} distinct strings, chunks of ${chunkRows}`,
      );
      for (const label of ["every row stale (all updated)", "fields already current"]) {
        const cpu = cpuMs();
        const report = await reparseUserAgents(connection, { chunkRows });
        const cpuPer = (cpuMs() - cpu) * 1000 / count;
        console.log(
          `${label.padEnd(30)} ${report.ms.toLocaleString("en-US")} ms wall, ` +
            `${cpuPer.toFixed(1)} µs of CPU per string, ${report.parsed} parsed, ` +
            `${report.changed} changed`,
        );
        await writeMetadata(connection, PARSER_VERSION_KEY, STALE_VERSION);
      }
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
    const cpu = cpuMs();
    const begun = performance.now();
    for (const ua of agents) parseUserAgent(ua);
    console.log(
      `${"the parse alone (warm)".padEnd(30)} ${
        Math.round(performance.now() - begun).toLocaleString("en-US")
      } ms wall, ${((cpuMs() - cpu) * 1000 / count).toFixed(1)} µs of CPU per string`,
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}
