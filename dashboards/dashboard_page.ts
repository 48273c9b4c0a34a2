/**
 * The HTML shell of a dashboard page: menu, title and question, placeholders for the date range,
 * freshness and headline figures, and one canvas per chart. The page's script fills them from
 * the page's JSON; everything it loads is served by the dashboards themselves.
 */
import { PAGES, type PageSpec } from "./dashboard_specs.ts";

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** `path` with the request's token carried along (pages opened with `?token=`). */
export function withToken(path: string, token: string | null): string {
  return token === null ? path : `${path}?token=${encodeURIComponent(token)}`;
}

/** The page of `spec`. */
export function dashboardPage(spec: PageSpec, token: string | null): string {
  const link = (path: string) => escape(withToken(path, token));
  const menu = PAGES.map((p) =>
    `<a href="${link(`/dashboards/${p.slug}`)}"${
      p.slug === spec.slug ? ' aria-current="page"' : ""
    }>${escape(p.title)}</a>`
  ).join("");
  const charts = spec.charts.map((c) =>
    `<figure class="card${c.wide === true ? " wide" : ""}">
      <figcaption>${escape(c.title)}</figcaption>
      <div class="canvas-box"><canvas id="chart-${c.id}" data-chart="${c.id}" role="img"
        aria-label="${escape(c.title)}"></canvas></div>
    </figure>`
  ).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(spec.title)} · Clickstream dashboards</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${link("/dashboards/assets/dashboards.css")}">
</head>
<body data-page="${spec.slug}" data-state="loading"
  data-data-url="${link(`/dashboards/data/${spec.slug}.json`)}">
<header class="bar">
  <span class="brand">Clickstream lakehouse</span>
  <nav>${menu}<a href="${link("/")}">Pipeline status</a></nav>
</header>
<main>
  <section class="intro">
    <h1>${escape(spec.title)}</h1>
    <p class="question">${escape(spec.question)}</p>
    <p class="meta"><span id="range">Loading…</span> <span id="freshness"></span></p>
  </section>
  <section class="kpis" id="kpis" aria-label="Headline figures"></section>
  <p class="note" id="note"></p>
  <p class="message" id="message" hidden></p>
  <section class="grid">
${charts}
  </section>
</main>
<script src="${link("/dashboards/assets/chart.umd.min.js")}"></script>
<script src="${link("/dashboards/assets/dashboards.js")}"></script>
</body></html>
`;
}
