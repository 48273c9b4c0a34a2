/**
 * dbt's `run_results.json` read at the boundary (checked, not cast) and summed up: how many
 * models, tests, unit tests and seeds passed, warned, failed or errored, and the failures'
 * first lines, for the summary the models command prints and /status shows.
 */
import { isRecord } from "../../actors/runtime/guards.ts";

/** One node's result, as far as the summary reads it. */
interface NodeResult {
  readonly unique_id: string;
  readonly status: string;
  readonly message?: string | null;
}

/** What of `run_results.json` the summary reads. */
interface RunResults {
  readonly elapsed_time: number;
  readonly results: readonly NodeResult[];
}

/** Why `json` is not run results, or undefined when it is. */
function misfit(json: unknown): string | undefined {
  if (!isRecord(json)) return "not an object";
  if (typeof json.elapsed_time !== "number") return "elapsed_time is not a number";
  if (!Array.isArray(json.results)) return "results is not a list";
  const bad = json.results.findIndex((r) =>
    !isRecord(r) || typeof r.unique_id !== "string" || typeof r.status !== "string" ||
    typeof r.execution_time !== "number" ||
    !(r.message === undefined || r.message === null || typeof r.message === "string")
  );
  return bad < 0
    ? undefined
    : `results[${bad}] is not {unique_id, status, execution_time, message}`;
}

/** The kinds of dbt nodes the summary counts. */
export type NodeKind = "model" | "test" | "unit_test" | "seed";

const isRunResults = (json: unknown): json is RunResults => misfit(json) === undefined;

/** Counts of one kind of node by outcome. */
export interface KindCounts {
  ok: number;
  warn: number;
  fail: number;
  skipped: number;
}

/** What one dbt invocation did. */
export interface RunSummary {
  readonly seconds: number;
  readonly counts: Readonly<Record<NodeKind, KindCounts>>;
  /** `unique_id: message` of each failed or errored node (first line), at most 20. */
  readonly problems: readonly string[];
}

const KINDS: readonly NodeKind[] = ["model", "test", "unit_test", "seed"];
const ANSI = new RegExp(String.fromCharCode(27) + "\\[[0-9;]*m", "g");

function outcome(status: string): keyof KindCounts | undefined {
  switch (status) {
    case "success":
    case "pass":
      return "ok";
    case "warn":
      return "warn";
    case "fail":
    case "error":
    case "runtime error":
      return "fail";
    case "skipped":
    case "no-op":
      return "skipped";
    default:
      return undefined;
  }
}

/** Sums up parsed `run_results.json` text; throws a TypeError naming what does not fit. */
export function summarizeRunResults(json: unknown): RunSummary {
  if (!isRunResults(json)) {
    throw new TypeError(`dbt run_results.json has an unexpected shape: ${misfit(json)}`);
  }
  const parsed = json;
  const counts = Object.fromEntries(
    KINDS.map((k) => [k, { ok: 0, warn: 0, fail: 0, skipped: 0 }]),
  ) as Record<NodeKind, KindCounts>;
  const problems: string[] = [];
  for (const result of parsed.results) {
    const kind = KINDS.find((k) => result.unique_id.startsWith(`${k}.`));
    const o = outcome(result.status);
    if (kind === undefined || o === undefined) continue;
    counts[kind][o]++;
    if (o === "fail" && problems.length < 20) {
      const first = (result.message ?? "").replace(ANSI, "").trim().split("\n")[0] ?? "";
      problems.push(`${result.unique_id}: ${result.status}${first === "" ? "" : ` (${first})`}`);
    }
  }
  return { seconds: parsed.elapsed_time, counts, problems };
}
