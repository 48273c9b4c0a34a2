/**
 * The JSON a dashboard page draws from: its charts' labels and series from Gold, the headline
 * figures, the date range and how fresh the data is (last event, when Gold was built, the last
 * models run).
 */
import type { PageSpec } from "./dashboard_specs.ts";
import { GoldMissingError, type GoldReader, type Row } from "./gold_reader.ts";

/** One chart's data. */
export interface ChartData {
  readonly id: string;
  readonly title: string;
  readonly kind: string;
  readonly format: string;
  readonly labels: string[];
  readonly series: { name: string; values: (number | null)[] }[];
}

/** The last models run as recorded by `deno task models` (or the schedule). */
export interface ModelsRunInfo {
  readonly finishedAt: string;
  readonly result: string;
}

/** Everything a page shows. */
export interface PageData {
  readonly slug: string;
  readonly title: string;
  readonly overview: Row;
  readonly modelsRun: ModelsRunInfo | null;
  readonly charts: ChartData[];
}

const OVERVIEW = (table: string) =>
  `SELECT revenue_eur::DOUBLE AS revenue_eur, orders, customers, units,
     average_order_value_eur::DOUBLE AS average_order_value_eur,
     outlier_lines, outlier_revenue_eur::DOUBLE AS outlier_revenue_eur, uncounted_lines,
     strftime(first_order_date, '%Y-%m-%d') AS first_order_date,
     strftime(last_order_date, '%Y-%m-%d') AS last_order_date,
     strftime(last_event_at, '%Y-%m-%d %H:%M UTC') AS last_event_at,
     strftime(built_at AT TIME ZONE 'UTC', '%Y-%m-%d %H:%M:%S UTC') AS built_at
   FROM ${table}`;

/** Picks the run fields the pages show out of a last-run record read from disk. */
export function modelsRunInfo(record: unknown): ModelsRunInfo | null {
  if (typeof record !== "object" || record === null) return null;
  const finishedAt = "finishedAt" in record ? record.finishedAt : undefined;
  const result = "result" in record ? record.result : undefined;
  if (typeof finishedAt !== "string" || typeof result !== "string") return null;
  return { finishedAt, result };
}

/** Reads page `spec`'s data from Gold; throws GoldMissingError when a table is missing. */
export async function pageData(
  spec: PageSpec,
  reader: GoldReader,
  modelsRun: ModelsRunInfo | null,
): Promise<PageData> {
  if (!await reader.has(spec.tables)) {
    throw new GoldMissingError(
      `No Gold tables in ${reader.lake}/gold yet (${spec.tables.join(", ")}): run ` +
        "'./denow task models' after an export",
    );
  }
  const [overview = {}] = await reader.query(OVERVIEW(reader.gold("gold_sales_overview")));
  const g = (table: string) => reader.gold(table);
  const charts: ChartData[] = [];
  for (const chart of spec.charts) {
    const rows = await reader.query(chart.sql(g));
    charts.push({
      id: chart.id,
      title: chart.title,
      kind: chart.kind,
      format: chart.format,
      labels: rows.map((r) => String(Object.values(r)[0] ?? "")),
      series: chart.series.map((name, i) => ({
        name,
        values: rows.map((r) => {
          const v = Object.values(r)[i + 1];
          return typeof v === "number" ? v : null;
        }),
      })),
    });
  }
  return { slug: spec.slug, title: spec.title, overview, modelsRun, charts };
}
