/**
 * Runs `dbt build` (or another dbt command) on a models target: makes the pinned dbt venv on
 * first use, checks the Bronze input is there, runs dbt with the project in `transform/`, sums
 * up its run results, counts the Gold rows, and records the run in `<stateDir>/last_run.json`
 * for /status and the dashboards. A failed build is a result (`result: "failed"`), not a throw.
 */
import { DuckDBInstance } from "@duckdb/node-api";
import { sqlString } from "../../actors/writer/sql_string.ts";
import { getLogger } from "../../observability/log.ts";
import { ensurePythonEnv } from "../python/python_env.ts";
import type { ModelsTarget } from "./models_target.ts";
import { type RunSummary, summarizeRunResults } from "./run_results.ts";
import { TRANSFORM_DIR } from "./transform_dir.ts";

const log = getLogger("models");

/** One models run as /status and the dashboards show it. */
export interface ModelsRunRecord {
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly seconds: number;
  readonly target: ModelsTarget["kind"];
  /** dbt arguments after the command, e.g. `["--select", "gold"]`. */
  readonly args: readonly string[];
  readonly result: "success" | "failed";
  readonly summary: RunSummary | null;
  /** Rows per Gold table (DuckDB target; empty on BigQuery). */
  readonly goldRows: Readonly<Record<string, number>>;
  /** Why the run failed, when it did. */
  readonly error: string | null;
}

/** How to run. */
export interface RunModelsOptions {
  /** dbt command (default `build`). */
  readonly command?: string;
  readonly args?: readonly string[];
  /** Copy dbt's log lines to stderr as they come (default false: keep the tail for errors). */
  readonly echo?: boolean;
}

/** The Bronze inputs of the DuckDB target are missing: nothing to build from yet. */
export class BronzeMissingError extends Error {
  override name = "BronzeMissingError";
}

/** Path of the last run record. */
export function lastRunFile(stateDir: string): string {
  return `${stateDir}/last_run.json`;
}

/** The last recorded run, or undefined when the models never ran here. */
export async function readLastModelsRun(stateDir: string): Promise<unknown> {
  try {
    return JSON.parse(await Deno.readTextFile(lastRunFile(stateDir)));
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new Error(`Cannot read ${lastRunFile(stateDir)}`, { cause: error });
  }
}

async function hasParquet(dir: string): Promise<boolean> {
  try {
    for await (const entry of Deno.readDir(dir)) {
      if (entry.isFile && entry.name.endsWith(".parquet")) return true;
      if (entry.isDirectory && await hasParquet(`${dir}/${entry.name}`)) return true;
    }
    return false;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

async function checkBronze(lake: string): Promise<void> {
  const missing: string[] = [];
  for (const table of ["summary", "user_agent", "products"]) {
    if (!await hasParquet(`${lake}/bronze/${table}`)) missing.push(`${lake}/bronze/${table}/`);
  }
  if (missing.length > 0) {
    throw new BronzeMissingError(
      `No Bronze Parquet in ${missing.join(", ")}: export the pipeline's staging first ` +
        "(./denow task export) so the models have input",
    );
  }
}

/** Rows of each `<lake>/gold/*.parquet` (read from the Parquet footers). */
export async function goldRowCounts(lake: string): Promise<Record<string, number>> {
  const files: string[] = [];
  for await (const entry of Deno.readDir(`${lake}/gold`)) {
    if (entry.isFile && entry.name.endsWith(".parquet")) files.push(entry.name);
  }
  const instance = await DuckDBInstance.create(":memory:");
  const db = await instance.connect();
  try {
    const counts: Record<string, number> = {};
    for (const name of files.sort()) {
      const path = sqlString(`${lake}/gold/${name}`);
      const rows = (await db.runAndReadAll(`SELECT count(*) FROM read_parquet(${path})`))
        .getRowsJS();
      counts[name.replace(/\.parquet$/, "")] = Number(rows[0]?.[0] ?? 0);
    }
    return counts;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function pump(
  stream: ReadableStream<Uint8Array>,
  echo: boolean,
  tail: string[],
): Promise<void> {
  const decoder = new TextDecoder();
  let rest = "";
  for await (const chunk of stream) {
    if (echo) Deno.stderr.writeSync(chunk);
    const lines = (rest + decoder.decode(chunk, { stream: true })).split("\n");
    rest = lines.pop() ?? "";
    tail.push(...lines);
    if (tail.length > 40) tail.splice(0, tail.length - 40);
  }
}

/** Runs dbt on `target`; resolves with the recorded run (throws only when it cannot start). */
export async function runModels(
  target: ModelsTarget,
  options: RunModelsOptions = {},
): Promise<ModelsRunRecord> {
  const { command = "build", args = [], echo = false } = options;
  if (target.lake !== undefined) {
    await checkBronze(target.lake);
    await Deno.mkdir(`${target.lake}/silver`, { recursive: true });
    await Deno.mkdir(`${target.lake}/gold`, { recursive: true });
  }
  await Deno.mkdir(target.stateDir, { recursive: true });
  const env = await ensurePythonEnv("dbt", `${TRANSFORM_DIR}/requirements.txt`);
  const started = new Date();
  await Deno.remove(`${target.env.DBT_TARGET_PATH}/run_results.json`).catch((error: unknown) => {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  });
  log.info("ModelsRunStarted", { target: target.kind, command, args });
  const child = new Deno.Command(`${env.dir}/bin/dbt`, {
    args: [command, "--project-dir", TRANSFORM_DIR, "--profiles-dir", TRANSFORM_DIR, ...args],
    env: { ...target.env, DBT_USE_COLORS: echo && Deno.stderr.isTerminal() ? "true" : "false" },
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const tail: string[] = [];
  await Promise.all([pump(child.stdout, echo, tail), pump(child.stderr, echo, tail)]);
  const status = await child.status;
  let summary: RunSummary | null = null;
  try {
    summary = summarizeRunResults(
      JSON.parse(await Deno.readTextFile(`${target.env.DBT_TARGET_PATH}/run_results.json`)),
    );
  } catch (error) {
    // dbt writes no run results when it fails before running anything (a parse error).
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const goldRows = target.lake !== undefined && status.success
    ? await goldRowCounts(target.lake)
    : {};
  const finished = new Date();
  const record: ModelsRunRecord = {
    startedAt: started.toISOString(),
    finishedAt: finished.toISOString(),
    seconds: (finished.getTime() - started.getTime()) / 1000,
    target: target.kind,
    args,
    result: status.success ? "success" : "failed",
    summary,
    goldRows,
    error: status.success
      ? null
      : (summary?.problems.length
        ? summary.problems.join("\n")
        : tail.filter((l) => l.trim() !== "").slice(-12).join("\n")),
  };
  await Deno.writeTextFile(lastRunFile(target.stateDir), JSON.stringify(record, null, 2) + "\n");
  const event = status.success ? "ModelsRunSucceeded" : "ModelsRunFailed";
  log[status.success ? "info" : "error"](event, {
    seconds: record.seconds,
    exitCode: status.code,
    error: record.error,
  });
  return record;
}
