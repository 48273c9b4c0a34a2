/**
 * `deno task geoip -- build|lookup`: builds a range table from IP2Location DB5 CSV files, or
 * turns a list of IPs into CSV. Progress and problems go to stderr (throttled); the build's
 * summary and the lookup's rows go to stdout. Exit codes: 0 done, 1 failed, 2 bad arguments.
 */
import { openTable } from "../../actors/geoip/open_table.ts";
import {
  type BuildProgress,
  buildTable,
  describeProblem,
  TableBuildError,
} from "../../actors/geoip/table_builder.ts";
import { type BuildFlags, type LookupFlags, parseGeoipFlags, USAGE } from "./geoip_flags.ts";
import { type LookupCounts, lookupCsv } from "./lookup_csv.ts";

const encoder = new TextEncoder();
const PROGRESS_INTERVAL_MS = 500;

function stderr(line: string): void {
  const bytes = encoder.encode(`${line}\n`);
  for (let written = 0; written < bytes.length;) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
}

/** Prints progress lines at most once per interval (forced ones always, unless repeated). */
function throttled<T>(format: (value: T) => string): (value: T, force?: boolean) => void {
  let last = -Infinity;
  let lastLine = "";
  return (value, force = false) => {
    const now = performance.now();
    if (!force && now - last < PROGRESS_INTERVAL_MS) return;
    const line = format(value);
    if (line === lastLine) return;
    last = now;
    lastLine = line;
    stderr(line);
  };
}

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

async function build(flags: BuildFlags): Promise<number> {
  const progress = throttled((p: BuildProgress) =>
    `geoip build: ${p.file}: ${p.lines} lines, ${mb(p.bytesRead)}/${mb(p.bytesTotal)} MB (${
      p.bytesTotal === 0 ? 100 : Math.floor((100 * p.bytesRead) / p.bytesTotal)
    }%)`
  );
  try {
    const s = await buildTable({
      ipv4Csv: flags.ipv4Csv,
      ipv6Csv: flags.ipv6Csv,
      out: flags.out,
      mode: flags.mode,
      onProblem: (problem) => stderr(`geoip build: ${describeProblem(problem)}`),
      onProgress: (p) => progress(p, p.bytesRead === p.bytesTotal),
    });
    console.log(
      `geoip build: wrote ${s.path} version=${s.version} ipv4_ranges=${s.v4Ranges} ipv6_ranges=${s.v6Ranges} ` +
        `locations=${s.locations} strings=${s.strings} bytes=${s.fileBytes} lines=${s.lines} ` +
        `skipped=${s.skipped} unknown_rows=${s.unknownRows} seconds=${s.seconds.toFixed(2)}`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof TableBuildError)) throw error;
    stderr(`${error.message}\n(use --on-problem skip to leave such lines out)`);
    return 1;
  }
}

async function lookup(flags: LookupFlags): Promise<number> {
  const table = await openTable(flags.table);
  const started = performance.now();
  const rate = (n: number) => Math.round(n / ((performance.now() - started) / 1000 || 1));
  const line = (c: LookupCounts) =>
    `geoip lookup: ${c.ips} ips, ${c.located} located, ${c.notFound} not in any range, ${c.invalid} invalid` +
    (c.firstInvalidLine === null ? "" : ` (first at line ${c.firstInvalidLine})`);
  const progress = throttled((c: LookupCounts) => `${line(c)}, ${rate(c.ips)}/s`);
  try {
    const input = flags.input === null
      ? Deno.stdin.readable
      : (await Deno.open(flags.input)).readable;
    const counts = await lookupCsv(table, input, Deno.stdout.writable, (c) => progress(c));
    stderr(`${line(counts)}; table ${table.version}, ${rate(counts.ips)}/s`);
    return 0;
  } finally {
    table.close();
  }
}

/** Runs `geoip build` or `geoip lookup` with the arguments after `geoip`. */
export async function run(args: string[]): Promise<number> {
  const flags = parseGeoipFlags(args);
  if ("help" in flags) {
    console.log(USAGE);
    return 0;
  }
  if ("error" in flags) {
    stderr(`${flags.error}\n\n${USAGE}`);
    return 2;
  }
  return flags.command === "build" ? await build(flags) : await lookup(flags);
}
