/**
 * dbt's `run_results.json` read at the boundary (checked, not cast) and summed up: how many
 * models, tests, unit tests and seeds passed, warned, failed or errored, and the failures'
 * first lines, for the summary the models command prints and /status shows.
 */
import { z } from "zod";

const RESULT = z.object({
  unique_id: z.string(),
  status: z.string(),
  execution_time: z.number(),
  message: z.string().nullable().optional(),
  failures: z.number().nullable().optional(),
});
const RUN_RESULTS = z.object({
  elapsed_time: z.number(),
  results: z.array(RESULT),
});

/** The kinds of dbt nodes the summary counts. */
export type NodeKind = "model" | "test" | "unit_test" | "seed";

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
  const parsed = RUN_RESULTS.safeParse(json);
  if (!parsed.success) {
    throw new TypeError(`dbt run_results.json has an unexpected shape: ${parsed.error.message}`);
  }
  const counts = Object.fromEntries(
    KINDS.map((k) => [k, { ok: 0, warn: 0, fail: 0, skipped: 0 }]),
  ) as Record<NodeKind, KindCounts>;
  const problems: string[] = [];
  for (const result of parsed.data.results) {
    const kind = KINDS.find((k) => result.unique_id.startsWith(`${k}.`));
    const o = outcome(result.status);
    if (kind === undefined || o === undefined) continue;
    counts[kind][o]++;
    if (o === "fail" && problems.length < 20) {
      const first = (result.message ?? "").replace(ANSI, "").trim().split("\n")[0] ?? "";
      problems.push(`${result.unique_id}: ${result.status}${first === "" ? "" : ` (${first})`}`);
    }
  }
  return { seconds: parsed.data.elapsed_time, counts, problems };
}
