/**
 * `deno task crawl -- [--limit N]`: crawls uncrawled catalog products once, politely, with a
 * throttled progress line on stderr and a summary on stdout. Ctrl-C aborts the fetches in flight
 * and still merges what finished. Needs the DuckDB file to itself (the pipeline not running).
 */
import { type Config, ConfigError, loadConfig } from "../../config/config.ts";
import { Crawler, type CrawlRunSummary } from "../../actors/crawler/crawler.ts";
import { DuckDBWarehouse } from "../../actors/writer/duckdb/duckdb_warehouse.ts";
import { parseCrawlFlags, USAGE } from "./crawl_flags.ts";
import type { CrawlCounters } from "../../messages/crawler.ts";

const encoder = new TextEncoder();
const PROGRESS_EVERY_MS = 500;

function tally(c: Readonly<CrawlCounters>): string {
  const skipped = c.skippedOffAllowList + c.robotsDisallowed + c.circuitOpen;
  return `${c.named} named, ${c.notFound} not found, ${c.forbidden} forbidden, ${c.failed} failed, ${skipped} skipped`;
}

/** The final lines: totals, skip reasons, and a few problems with their reasons. */
export function summaryText(summary: CrawlRunSummary): string {
  const c = summary.counters;
  const lines = [
    `crawl summary: products=${summary.products} named=${c.named} not_found=${c.notFound} ` +
    `forbidden=${c.forbidden} failed=${c.failed} retried=${c.retried} ` +
    `off_allow_list=${c.skippedOffAllowList} robots_disallowed=${c.robotsDisallowed} ` +
    `circuit_open=${c.circuitOpen} truncated=${c.truncated} rejected=${c.rejected} merged=${c.merged} ` +
    `seconds=${summary.seconds.toFixed(1)}`,
    ...summary.problems.map((p) => `  ${p.productId} ${p.url}: ${p.reason}`),
  ];
  return lines.join("\n");
}

/** The configuration, or undefined after printing why it is wrong. */
function configuration(): Config | undefined {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

/** Runs the command; exit codes: 0 done, 2 bad flags or configuration, 130 interrupted. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseCrawlFlags(args);
  if ("help" in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const config = configuration();
  if (config === undefined) return 2;
  const { enabled: _, workers: __, ...crawl } = config.crawl;
  if (config.warehouse.kind !== "duckdb") {
    console.error(
      "deno task crawl works on the DuckDB warehouse only; with BigQuery the pipeline's crawler " +
        "(deno task start) names products. Unset WAREHOUSE or set it to duckdb:<path>.",
    );
    return 2;
  }
  const warehouse = new DuckDBWarehouse({ path: config.warehouse.path });
  try {
    await warehouse.open();
  } catch (error) {
    throw new Error(
      `Cannot open the warehouse ${config.warehouse.path}: ${(error as Error).message}. ` +
        "The one-shot crawl needs the file to itself: stop deno task start first.",
      { cause: error },
    );
  }
  const crawler = new Crawler(warehouse, crawl);
  let stopping: Promise<void> | undefined;
  const onInterrupt = () => {
    stopping ??= crawler.stop(); // awaited below; runOnce settles once the stop takes effect
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  let shownAt = 0;
  try {
    const summary = await crawler.runOnce({
      limit: parsed.flags.limit ?? Number.MAX_SAFE_INTEGER,
      onProduct: () => {
        const now = performance.now();
        if (now - shownAt < PROGRESS_EVERY_MS) return;
        shownAt = now;
        const c = crawler.counters;
        const line = `crawl: ${c.fetched} pages fetched, ${tally(c)}\n`;
        Deno.stderr.writeSync(encoder.encode(line));
      },
    });
    console.log(summaryText(summary));
    return stopping === undefined ? 0 : 130;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
    await stopping;
    await warehouse.close();
  }
}
