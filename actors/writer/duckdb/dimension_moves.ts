/**
 * Ways to move a batch's new dimension keys into their table with INSERT OR IGNORE, timed by
 * statement, for `bench -- dimensions`.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import type { Candidates } from "./dimensions.ts";
import { TEMP_TABLE, withAppender } from "./appender_scope.ts";
import { appendColumns } from "./column_chunks.ts";

/** Ms of one move: making the temp table ready, appending to it, the INSERT (and any DROP). */
export interface MoveTimes {
  prepareMs: number;
  appendMs: number;
  insertMs: number;
}

/** One way to move `candidates` into `table`. */
export type Move = (
  connection: DuckDBConnection,
  table: string,
  candidates: Candidates,
) => Promise<MoveTimes>;

/** Moves through a temp table that the statements `ready` gives make ready. */
function throughTemp(ready: (incoming: string, names: string, table: string) => string[]): Move {
  return async (connection, table, candidates) => {
    const times = { prepareMs: 0, appendMs: 0, insertMs: 0 };
    if (candidates.keys.length === 0) return times;
    const incoming = `incoming_${table}`;
    const names = candidates.columns.map((c) => c.name).join(", ");
    let started = performance.now();
    for (const sql of ready(incoming, names, table)) await connection.run(sql);
    times.prepareMs = performance.now() - started;
    started = performance.now();
    await withAppender(
      connection,
      incoming,
      (appender) => appendColumns(appender, candidates.columns, candidates.keys.length),
      TEMP_TABLE,
    );
    times.appendMs = performance.now() - started;
    started = performance.now();
    await connection.run(
      `INSERT OR IGNORE INTO ${table} (${names}) SELECT ${names} FROM ${incoming}`,
    );
    times.insertMs = performance.now() - started;
    return times;
  };
}

/** The ways compared. */
export const MOVES = {
  /** The writer's way before 646fe84: the temp table made once, emptied with DELETE before each fill. */
  delete: throughTemp((incoming, names, table) => [
    `CREATE TEMP TABLE IF NOT EXISTS ${incoming} AS SELECT ${names} FROM ${table} LIMIT 0`,
    `DELETE FROM ${incoming}`,
  ]),
  /** The writer's way (`dimensions.ts`): the temp table made again before each fill. */
  replace: throughTemp((incoming, names, table) => [
    `CREATE OR REPLACE TEMP TABLE ${incoming} AS SELECT ${names} FROM ${table} LIMIT 0`,
  ]),
  /** The temp table dropped, then made, before each fill. */
  drop: throughTemp((incoming, names, table) => [
    `DROP TABLE IF EXISTS temp.main.${incoming}`,
    `CREATE TEMP TABLE ${incoming} AS SELECT ${names} FROM ${table} LIMIT 0`,
  ]),
} satisfies Record<string, Move>;

/** The name of a way. */
export type MoveWay = keyof typeof MOVES;
