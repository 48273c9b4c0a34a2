/**
 * Command-line flags of `deno task geoip -- build|lookup`: parsed into plain data, or an error
 * naming the flag and what it expects. Accepts `--flag value` and `--flag=value`; "--" is skipped.
 */
import type { ProblemMode } from "../../actors/geoip/table_builder.ts";

/** Flags of `build`. */
export interface BuildFlags {
  readonly command: "build";
  readonly out: string;
  readonly ipv4Csv: string | null;
  readonly ipv6Csv: string | null;
  readonly mode: ProblemMode;
}

/** Flags of `lookup`. `input` null means stdin. */
export interface LookupFlags {
  readonly command: "lookup";
  readonly table: string;
  readonly input: string | null;
}

/** Parse outcome: flags, a request for help, or an error message. */
export type ParsedGeoipFlags = BuildFlags | LookupFlags | { help: true } | { error: string };

/** The usage text. */
export const USAGE = `usage:
  deno task geoip -- build --out <table> [--on-problem fail|skip] <DB5.CSV> [<DB5.IPV6.CSV>]
  deno task geoip -- build --out <table> --ipv6 <DB5.IPV6.CSV>
  deno task geoip -- lookup --table <table> [<ips.txt> | -] > out.csv

build   converts IP2Location LITE DB5 CSV files into one range table (progress on stderr).
        --on-problem: on a malformed, unsorted or overlapping line, stop (fail, the default)
        or report it with its line number and leave it out (skip).
lookup  reads one IP per line (a file, or stdin) and writes CSV to stdout:
        ip,country,region,city,latitude,longitude (empty where unknown or invalid).`;

const VALUE_FLAGS: Record<"build" | "lookup", readonly string[]> = {
  build: ["--out", "--on-problem", "--ipv6"],
  lookup: ["--table"],
};

/** Parses the arguments after `geoip`. */
export function parseGeoipFlags(args: readonly string[]): ParsedGeoipFlags {
  const rest = args.filter((a) => a !== "--");
  const command = rest[0];
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    return { help: true };
  }
  if (command !== "build" && command !== "lookup") {
    return { error: `Unknown geoip command ${JSON.stringify(command)}; use build or lookup` };
  }
  const values = new Map<string, string>();
  const positional: string[] = [];
  for (let i = 1; i < rest.length; i++) {
    const arg = rest[i]!;
    if (arg === "--help" || arg === "-h") return { help: true };
    if (!arg.startsWith("--")) {
      positional.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const name = eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS[command].includes(name)) {
      return {
        error: `Unknown flag ${name} for ${command}; flags are ${VALUE_FLAGS[command].join(", ")}`,
      };
    }
    const value = eq > 0 ? arg.slice(eq + 1) : rest[++i];
    if (value === undefined || value === "") return { error: `${name} needs a value` };
    values.set(name, value);
  }
  return command === "build" ? buildFlags(values, positional) : lookupFlags(values, positional);
}

function buildFlags(
  values: Map<string, string>,
  positional: string[],
): BuildFlags | { error: string } {
  const out = values.get("--out");
  if (out === undefined) return { error: "build needs --out <table>" };
  const mode = values.get("--on-problem") ?? "fail";
  if (mode !== "fail" && mode !== "skip") {
    return { error: `--on-problem must be fail or skip, got ${JSON.stringify(mode)}` };
  }
  const ipv6Flag = values.get("--ipv6");
  const maxFiles = ipv6Flag === undefined ? 2 : 1;
  if (positional.length > maxFiles) {
    return { error: `build takes at most ${maxFiles} CSV files, got ${positional.length}` };
  }
  const ipv4Csv = positional[0] ?? null;
  const ipv6Csv = ipv6Flag ?? positional[1] ?? null;
  if (ipv4Csv === null && ipv6Csv === null) return { error: "build needs a DB5 CSV file" };
  return { command: "build", out, ipv4Csv, ipv6Csv, mode };
}

function lookupFlags(
  values: Map<string, string>,
  positional: string[],
): LookupFlags | { error: string } {
  const table = values.get("--table");
  if (table === undefined) return { error: "lookup needs --table <table>" };
  if (positional.length > 1) {
    return { error: `lookup reads one input file, got ${positional.length}` };
  }
  const input = positional[0] ?? null;
  return { command: "lookup", table, input: input === "-" ? null : input };
}
