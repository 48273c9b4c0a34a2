/**
 * `deno task models [-- dbt flags]`: runs `dbt build` (the models and their tests) on the target
 * the configuration names (DuckDB over the lake folder, or BigQuery over the warehouse dataset)
 * and prints a summary. Flags such as `--select gold_sales_daily+` pass through to dbt;
 * `--dbt <command>` runs another dbt command (`compile`, `parse`, `test`, ...).
 */
import { ConfigError, loadConfig } from "../../config/config.ts";
import { BronzeMissingError, type ModelsRunRecord, runModels } from "./models_run.ts";
import { modelsTarget } from "./models_target.ts";
import type { KindCounts } from "./run_results.ts";

const USAGE = `usage: deno task models [-- [--dbt <command>] [dbt flags...]]

Runs dbt (default: build, i.e. seeds, models and their tests) on the configured target and
prints a summary. Examples:
  deno task models
  deno task models -- --select gold_sales_daily+
  deno task models -- --dbt compile
`;

function counts(name: string, c: KindCounts | undefined): string {
  if (c === undefined) return `${name}=0`;
  const total = c.ok + c.warn + c.fail + c.skipped;
  const extra = [c.warn ? `${c.warn} warned` : "", c.fail ? `${c.fail} failed` : ""]
    .concat(c.skipped ? [`${c.skipped} skipped`] : []).filter((s) => s !== "");
  return `${name}=${c.ok}/${total}${extra.length ? ` (${extra.join(", ")})` : ""}`;
}

/** The summary lines of a run. */
export function summaryLines(record: ModelsRunRecord): string[] {
  const s = record.summary?.counts;
  const lines = [
    `models summary: ${record.result} target=${record.target} seconds=${
      record.seconds.toFixed(1)
    } ${counts("models", s?.model)} ${counts("tests", s?.test)} ${
      counts("unit_tests", s?.unit_test)
    } ${counts("seeds", s?.seed)}`,
  ];
  const gold = Object.entries(record.goldRows).map(([t, n]) => `${t}=${n}`);
  if (gold.length > 0) lines.push(`gold rows: ${gold.join(" ")}`);
  if (record.error !== null) lines.push(`problems:\n  ${record.error.split("\n").join("\n  ")}`);
  return lines;
}

/** Exit codes: 0 built and tested, 1 dbt failed, 2 bad flags or configuration, 3 no Bronze. */
export async function run(args: string[]): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  // `deno task models -- --select x` hands the separator through.
  const rest = args[0] === "--" ? args.slice(1) : [...args];
  let command = "build";
  const at = rest.indexOf("--dbt");
  if (at >= 0) {
    const given = rest[at + 1];
    if (given === undefined || given.startsWith("-")) {
      console.error(`--dbt needs a dbt command (build, compile, parse, test, ...)\n\n${USAGE}`);
      return 2;
    }
    command = given;
    rest.splice(at, 2);
  }
  let target;
  try {
    target = modelsTarget(loadConfig());
  } catch (error) {
    if (error instanceof ConfigError || error instanceof RangeError) {
      console.error(error.message);
      return 2;
    }
    throw error;
  }
  try {
    const record = await runModels(target, { command, args: rest, echo: true });
    console.log(summaryLines(record).join("\n"));
    return record.result === "success" ? 0 : 1;
  } catch (error) {
    if (error instanceof BronzeMissingError) {
      console.error(error.message);
      return 3;
    }
    throw error;
  }
}
