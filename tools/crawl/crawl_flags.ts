/**
 * Command-line flags of `deno task crawl`: `--limit N` (or `--limit=N`), parsed into plain data
 * or an error naming the flag, its form and the value given.
 */

/** The parsed flags. */
export interface CrawlFlags {
  /** Products to crawl at most; undefined means every uncrawled product. */
  readonly limit: number | undefined;
}

/** Parse outcome: flags, a request for help, or an error message. */
export type ParsedCrawlFlags = { flags: CrawlFlags } | { help: true } | { error: string };

/** The usage text. */
export const USAGE = `usage: deno task crawl -- [--limit N]

  --limit N   crawl at most N uncrawled products (a positive integer; default all of them)

Hosts, pace and limits come from CRAWL_ALLOWED_HOSTS, CRAWL_RATE_PER_HOST, CRAWL_CONCURRENCY,
CRAWL_HOST_CONCURRENCY, CRAWL_TIMEOUT_MS, CRAWL_MAX_BYTES, CRAWL_MAX_TRIES and CRAWL_USER_AGENT;
the catalog is the DuckDB warehouse of WAREHOUSE (default <DATA_DIR>/warehouse.duckdb).`;

/** Parses the arguments after `crawl`. */
export function parseCrawlFlags(args: readonly string[]): ParsedCrawlFlags {
  let limit: number | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg === "--") continue; // `deno task crawl -- --limit N` passes the separator through
    if (arg === "--help" || arg === "-h") return { help: true };
    const [name, inline] = arg.includes("=") ? arg.split("=", 2) : [arg, undefined];
    if (name !== "--limit") return { error: `Unknown flag ${JSON.stringify(arg)}` };
    const text = inline ?? args[++i];
    const n = text !== undefined && /^\d+$/.test(text) ? Number(text) : NaN;
    if (!Number.isSafeInteger(n) || n < 1) {
      return {
        error: `--limit must be a positive integer, e.g. --limit 500, got ${JSON.stringify(text)}`,
      };
    }
    limit = n;
  }
  return { flags: { limit } };
}
