/**
 * Builds a range-table file from IP2Location DB5 CSV files (IPv4 and/or IPv6), or country-only
 * CSVs (DB-IP Lite country, the default source), streaming them:
 * every malformed, unsorted or overlapping line is reported with its file and line number, and
 * the mode decides whether the build fails on the first or skips it. Never silent.
 */
import { parseCountryLine } from "./country_line.ts";
import { type Db5Row, type Family, parseDb5Line } from "./db5_line.ts";
import { readLines } from "./line_reader.ts";
import { RangeAccumulator } from "./range_accumulator.ts";
import { SourceHasher } from "./source_checksum.ts";
import { indexBitsFor, tableVersion } from "./table_format.ts";
import { encodeTable, writeTableFile } from "./table_writer.ts";

/** What to do with a bad line: stop the build, or report it and leave it out. */
export type ProblemMode = "fail" | "skip";

/** Layout of the source lines: IP2Location DB5, or `start,end,country_code` (ip-location-db). */
export type SourceFormat = "db5" | "country";

const PARSERS: Record<SourceFormat, (line: string, family: Family) => Db5Row | string> = {
  db5: parseDb5Line,
  country: parseCountryLine,
};

/** One bad line of a source file. */
export interface BuildProblem {
  readonly file: string;
  readonly line: number;
  readonly kind: "malformed" | "unsorted" | "overlap";
  readonly message: string;
}

/** The build stopped on a bad line (mode "fail"); `problem` says where. */
export class TableBuildError extends Error {
  override readonly name = "TableBuildError";
  constructor(readonly problem: BuildProblem) {
    super(`Cannot build range table: ${describeProblem(problem)}`);
  }
}

/** "file:line: kind: message". */
export function describeProblem(p: BuildProblem): string {
  return `${p.file}:${p.line}: ${p.kind}: ${p.message}`;
}

/** Progress through one source file. */
export interface BuildProgress {
  readonly file: string;
  readonly lines: number;
  readonly bytesRead: number;
  readonly bytesTotal: number;
}

/** Inputs of a build. At least one source is required. */
export interface BuildOptions {
  readonly ipv4Csv?: string | null;
  readonly ipv6Csv?: string | null;
  readonly out: string;
  readonly mode: ProblemMode;
  /** Layout of the source lines (default "db5"). */
  readonly format?: SourceFormat;
  /** Recorded in the header and on every row looked up in the table (default none). */
  readonly sourceLabel?: string;
  /** Called for every problem (in "fail" mode, for the one that stops the build). */
  readonly onProblem?: (problem: BuildProblem) => void;
  /** Called after each chunk read. */
  readonly onProgress?: (progress: BuildProgress) => void;
  /** Width of the IPv4 index; default `indexBitsFor(ranges)`. */
  readonly v4IndexBits?: number;
}

/** What a build produced. */
export interface BuildSummary {
  readonly path: string;
  readonly version: string;
  readonly sourceChecksum: string;
  readonly v4Ranges: number;
  readonly v6Ranges: number;
  readonly locations: number;
  readonly strings: number;
  readonly fileBytes: number;
  readonly lines: number;
  readonly skipped: number;
  readonly unknownRows: number;
  readonly mappedRowsSkipped: number;
  readonly seconds: number;
}

/** Builds the table file at `options.out`; throws TableBuildError in "fail" mode. */
export async function buildTable(options: BuildOptions): Promise<BuildSummary> {
  const started = performance.now();
  const sources: Array<{ path: string; family: Family }> = [];
  if (options.ipv4Csv) sources.push({ path: options.ipv4Csv, family: 4 });
  if (options.ipv6Csv) sources.push({ path: options.ipv6Csv, family: 6 });
  if (sources.length === 0) throw new TypeError("Cannot build range table: no source CSV given");
  const parseLine = PARSERS[options.format ?? "db5"];
  const ranges = new RangeAccumulator(!options.ipv4Csv);
  const hasher = new SourceHasher();
  let lines = 0;
  let skipped = 0;
  for (const { path, family } of sources) {
    const report = (line: number, kind: BuildProblem["kind"], message: string) => {
      const problem = { file: path, line, kind, message };
      options.onProblem?.(problem);
      if (options.mode === "fail") throw new TableBuildError(problem);
      skipped++;
    };
    hasher.beginFile(family);
    using file = await Deno.open(path);
    const bytesTotal = (await file.stat()).size;
    let bytesRead = 0;
    let current = 0;
    lines += await readLines(file.readable, {
      onChunk: (bytes) => {
        hasher.update(bytes);
        bytesRead += bytes.length;
      },
      onLine: (line, number) => {
        current = number;
        if (line.length === 0 || (number === 1 && /^"?ip_from"?,/i.test(line))) return;
        const row = parseLine(line, family);
        if (typeof row === "string") return report(number, "malformed", row);
        const order = family === 4 ? ranges.addV4(row, number) : ranges.addV6(row, number);
        if (order !== null) report(number, order.kind, order.message);
      },
      afterChunk: () =>
        options.onProgress?.({ file: path, lines: lines + current, bytesRead, bytesTotal }),
    });
  }
  const sourceChecksum = hasher.digest();
  const arrays = ranges.finish(options.v4IndexBits ?? indexBitsFor(ranges.v4Count));
  const bytes = encodeTable(arrays, {
    sourceChecksum,
    buildTimeMs: Date.now(),
    sourceLabel: options.sourceLabel ?? "",
  });
  await writeTableFile(options.out, bytes);
  return {
    path: options.out,
    version: tableVersion(sourceChecksum),
    sourceChecksum,
    v4Ranges: arrays.v4Starts.length,
    v6Ranges: arrays.v6Locs.length,
    locations: arrays.locCoords.length / 2,
    strings: arrays.strings.length,
    fileBytes: bytes.length,
    lines,
    skipped,
    unknownRows: ranges.unknownRows,
    mappedRowsSkipped: ranges.mappedRowsSkipped,
    seconds: (performance.now() - started) / 1000,
  };
}
