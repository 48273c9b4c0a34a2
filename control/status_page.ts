/**
 * The operator's status page: a shell that draws `/status` (polled every 2 s, no reload) as the
 * supervision tree with each actor's state, restarts and mailbox fill, events per second by stage
 * over the last minutes, consumer lag per partition, dead letters by code, the last export and
 * models run, and the geo table. Scripts and styles come from the dashboards' own assets.
 */

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

const withToken = (path: string, token: string | null) =>
  escape(token === null ? path : `${path}?token=${encodeURIComponent(token)}`);

/** What the page may load: its own scripts and styles, `/status` (fetch), nothing else. */
export const STATUS_PAGE_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; " +
  "img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'";

/**
 * The page; `token` (from `?token=`) is carried into its links and assets. Its script sends it
 * to `/status` in the Authorization header (the control server takes `?token=` on pages only).
 */
export function statusPage(token: string | null): string {
  const link = (path: string) => withToken(path, token);
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Pipeline status · Clickstream lakehouse</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${link("/dashboards/assets/dashboards.css")}">
<link rel="stylesheet" href="${link("/dashboards/assets/status.css")}">
</head>
<body data-state="loading" data-status-url="/status">
<header class="bar">
  <span class="brand">Clickstream lakehouse</span>
  <nav><a href="${link("/dashboards/sales")}">Executive Sales Overview</a><a href="${
    link("/dashboards/products")
  }">Product Performance &amp; Material Analysis</a><a href="${
    link("/dashboards/audience")
  }">Geographic &amp; Technical Audience</a><a href="${
    link("/")
  }" aria-current="page">Pipeline status</a></nav>
</header>
<main>
  <section class="intro">
    <h1>Pipeline status</h1>
    <p class="meta"><span id="health">Loading…</span> <span id="updated"></span></p>
  </section>
  <section class="kpis" id="kpis" aria-label="Event counts"></section>
  <section class="grid">
    <figure class="card"><figcaption>Supervision tree</figcaption><div id="tree"></div></figure>
    <figure class="card"><figcaption>Events per second by stage (last minutes)</figcaption>
      <div class="canvas-box"><canvas id="chart-rates" data-chart="rates" role="img"
        aria-label="Events per second by stage"></canvas></div></figure>
    <figure class="card"><figcaption>Consumer lag per partition (messages not yet read)</figcaption>
      <div class="canvas-box short"><canvas id="chart-lag" data-chart="lag" role="img"
        aria-label="Consumer lag per partition"></canvas></div>
      <p class="empty" id="lag-empty" hidden>No partition assigned yet.</p></figure>
    <figure class="card"><figcaption>Dead letters by reason</figcaption>
      <div class="canvas-box short"><canvas id="chart-dead" data-chart="dead" role="img"
        aria-label="Dead letters by reason"></canvas></div>
      <p class="empty" id="dead-empty" hidden>No dead letters.</p></figure>
    <figure class="card"><figcaption>Last export</figcaption><dl id="export"></dl></figure>
    <figure class="card"><figcaption>Last models run</figcaption><dl id="models"></dl></figure>
    <figure class="card"><figcaption>Geo table</figcaption><dl id="geo"></dl></figure>
  </section>
</main>
<script src="${link("/dashboards/assets/chart.umd.min.js")}"></script>
<script src="${link("/dashboards/assets/status.js")}"></script>
</body></html>
`;
}
