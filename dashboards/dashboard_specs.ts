/**
 * The three dashboards of the original, as data: each page's charts with the Gold query that
 * feeds them (first column the label, then one column per series). `g` names a Gold table's
 * Parquet file (see `GoldReader.gold`).
 */

/** How a chart draws. */
export type ChartKind = "line" | "bar" | "hbar" | "doughnut";

/** How a chart's values read. */
export type ValueFormat = "eur" | "count" | "rate";

/** One chart of a page. */
export interface ChartSpec {
  readonly id: string;
  readonly title: string;
  readonly kind: ChartKind;
  readonly format: ValueFormat;
  /** Series names, in the order of the query's value columns. */
  readonly series: readonly string[];
  /** Spans the page's width (trends, long category lists). */
  readonly wide?: boolean;
  readonly sql: (g: (table: string) => string) => string;
}

/** One dashboard page. */
export interface PageSpec {
  readonly slug: string;
  readonly title: string;
  readonly question: string;
  /** Gold tables the page reads (the page says so when one is missing). */
  readonly tables: readonly string[];
  readonly charts: readonly ChartSpec[];
}

const eur = (column: string) => `round(${column}, 2)::DOUBLE`;

/** The pages, in menu order. */
export const PAGES: readonly PageSpec[] = [
  {
    slug: "sales",
    title: "Executive Sales Overview",
    question: "How much do we sell, to how many customers, where, and how does it trend?",
    tables: ["gold_sales_overview", "gold_sales_daily", "gold_revenue_by_country"],
    charts: [
      {
        id: "daily-revenue",
        wide: true,
        title: "Daily revenue",
        kind: "line",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT strftime(order_date, '%Y-%m-%d') AS label, ${eur("revenue_eur")} AS revenue
           FROM ${g("gold_sales_daily")} ORDER BY order_date`,
      },
      {
        id: "daily-orders",
        wide: true,
        title: "Daily orders and customers",
        kind: "bar",
        format: "count",
        series: ["Orders", "Customers"],
        sql: (g) =>
          `SELECT strftime(order_date, '%Y-%m-%d') AS label, orders, customers
           FROM ${g("gold_sales_daily")} ORDER BY order_date`,
      },
      {
        id: "revenue-by-country",
        title: "Revenue by country (top 12)",
        kind: "hbar",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT country AS label, ${eur("revenue_eur")} AS revenue
           FROM ${g("gold_revenue_by_country")} ORDER BY revenue_eur DESC, country LIMIT 12`,
      },
      {
        id: "revenue-by-currency",
        title: "Revenue by currency charged, in EUR (top 12)",
        kind: "hbar",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT currency_code AS label, ${eur("revenue_eur")} AS revenue
           FROM ${g("gold_revenue_by_currency")} ORDER BY revenue_eur DESC, currency_code LIMIT 12`,
      },
    ],
  },
  {
    slug: "products",
    title: "Product Performance & Material Analysis",
    question: "Which products sell, how fast, and which metals and stones do customers choose?",
    tables: ["gold_sales_overview", "gold_top_products", "gold_material_preferences"],
    charts: [
      {
        id: "top-products-revenue",
        title: "Top 10 products by revenue",
        kind: "hbar",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT product_name AS label, ${eur("revenue_eur")} AS revenue
           FROM ${g("gold_top_products")} ORDER BY revenue_eur DESC, product_id LIMIT 10`,
      },
      {
        id: "top-products-units",
        title: "Top 10 products by units sold",
        kind: "hbar",
        format: "count",
        series: ["Units"],
        sql: (g) =>
          `SELECT product_name AS label, units
           FROM ${g("gold_top_products")} ORDER BY units DESC, product_id LIMIT 10`,
      },
      {
        id: "sales-velocity",
        title: "Sales velocity: units per day since first seen (top 10)",
        kind: "hbar",
        format: "rate",
        series: ["Units per day"],
        sql: (g) =>
          `SELECT product_name AS label, units_per_day::DOUBLE AS velocity
           FROM ${g("gold_top_products")} ORDER BY units_per_day DESC, product_id LIMIT 10`,
      },
      {
        id: "metal-preferences",
        title: "Metal preferences (units)",
        kind: "doughnut",
        format: "count",
        series: ["Units"],
        sql: (g) =>
          `SELECT value_label AS label, units FROM ${g("gold_material_preferences")}
           WHERE option_group = 'alloy' ORDER BY units DESC, value_label`,
      },
      {
        id: "stone-preferences",
        wide: true,
        title: "Gemstone preferences: diamonds, stones, pearls (units, top 12)",
        kind: "bar",
        format: "count",
        series: ["Units"],
        sql: (g) =>
          `SELECT value_label AS label, sum(units)::BIGINT AS units
           FROM ${g("gold_material_preferences")}
           WHERE option_group IN ('diamond', 'stone', 'pearl')
           GROUP BY value_label ORDER BY units DESC, value_label LIMIT 12`,
      },
    ],
  },
  {
    slug: "audience",
    title: "Geographic & Technical Audience",
    question: "Where do buyers come from, and on which devices and browsers do they order?",
    tables: [
      "gold_sales_overview",
      "gold_revenue_by_city",
      "gold_transactions_by_device",
      "gold_transactions_by_browser",
    ],
    charts: [
      {
        id: "revenue-by-region",
        title: "Revenue by region (top 12)",
        kind: "hbar",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT region || ' (' || coalesce(max(country_code), '?') || ')' AS label,
             ${eur("sum(revenue_eur)")} AS revenue
           FROM ${g("gold_revenue_by_city")} GROUP BY country, region
           ORDER BY sum(revenue_eur) DESC, label LIMIT 12`,
      },
      {
        id: "revenue-by-city",
        title: "Revenue by city (top 12)",
        kind: "hbar",
        format: "eur",
        series: ["Revenue (EUR)"],
        sql: (g) =>
          `SELECT city || ' (' || coalesce(country_code, '?') || ')' AS label,
             ${eur("revenue_eur")} AS revenue
           FROM ${g("gold_revenue_by_city")} ORDER BY revenue_eur DESC, label LIMIT 12`,
      },
      {
        id: "orders-by-device",
        title: "Orders by device type",
        kind: "doughnut",
        format: "count",
        series: ["Orders"],
        sql: (g) =>
          `SELECT device_type AS label, orders FROM ${g("gold_transactions_by_device")}
           ORDER BY orders DESC, device_type`,
      },
      {
        id: "orders-by-browser",
        title: "Orders by browser (top 10)",
        kind: "bar",
        format: "count",
        series: ["Orders"],
        sql: (g) =>
          `SELECT browser_family AS label, orders FROM ${g("gold_transactions_by_browser")}
           ORDER BY orders DESC, browser_family LIMIT 10`,
      },
    ],
  },
];
