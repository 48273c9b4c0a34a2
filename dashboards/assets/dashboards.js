// Draws a dashboard page from its JSON (the body's data-data-url) with the vendored Chart.js.
// Sets body[data-state] to "ready", "empty" (no Gold yet) or "error" when done.
/* global Chart */
"use strict";

const PALETTE = [
  "#2f6fb0",
  "#e07b39",
  "#3a9d6a",
  "#c44e52",
  "#8172b2",
  "#937860",
  "#da8bc3",
  "#6b7b8c",
  "#ccb974",
  "#64b5cd",
  "#4c72b0",
  "#55a868",
];
const eur = new Intl.NumberFormat("en-GB", {
  style: "currency",
  currency: "EUR",
  maximumFractionDigits: 0,
});
const count = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const rate = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 2 });
const FORMATS = {
  eur: (v) => eur.format(v),
  count: (v) => count.format(v),
  rate: (v) => rate.format(v),
};

function text(id, value) {
  document.getElementById(id).textContent = value;
}

function ago(iso) {
  const minutes = Math.round((Date.now() - Date.parse(iso)) / 60000);
  if (!Number.isFinite(minutes)) return "";
  if (minutes < 1) return "just now";
  if (minutes < 120) return `${minutes} min ago`;
  return `${Math.round(minutes / 60)} h ago`;
}

function kpis(overview) {
  const tiles = [
    ["Revenue", eur.format(overview.revenue_eur ?? 0)],
    ["Orders", count.format(overview.orders ?? 0)],
    ["Customers", count.format(overview.customers ?? 0)],
    ["Average order value", eur.format(overview.average_order_value_eur ?? 0)],
    ["Units sold", count.format(overview.units ?? 0)],
  ];
  const box = document.getElementById("kpis");
  box.replaceChildren(...tiles.map(([label, value]) => {
    const tile = document.createElement("div");
    tile.className = "kpi";
    const v = document.createElement("strong");
    v.textContent = value;
    const l = document.createElement("span");
    l.textContent = label;
    tile.append(v, l);
    return tile;
  }));
}

function shorten(label) {
  return label.length > 30 ? `${label.slice(0, 29)}…` : label;
}

function config(chart) {
  const format = FORMATS[chart.format] ?? FORMATS.count;
  const horizontal = chart.kind === "hbar";
  const round = chart.kind === "doughnut";
  const datasets = chart.series.map((s, i) => ({
    label: s.name,
    data: s.values,
    backgroundColor: round
      ? chart.labels.map((_, j) => PALETTE[j % PALETTE.length])
      : PALETTE[i % PALETTE.length],
    borderColor: round ? "#ffffff" : PALETTE[i % PALETTE.length],
    borderWidth: chart.kind === "line" ? 2 : 1,
    fill: chart.kind === "line" ? "origin" : undefined,
    tension: 0.25,
    pointRadius: 2,
  }));
  if (chart.kind === "line") datasets[0].backgroundColor = "rgba(47, 111, 176, 0.15)";
  const valueAxis = { beginAtZero: true, ticks: { callback: (v) => format(v) } };
  return {
    type: round ? "doughnut" : chart.kind === "line" ? "line" : "bar",
    data: { labels: chart.labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      indexAxis: horizontal ? "y" : "x",
      plugins: {
        legend: { display: round || chart.series.length > 1, position: round ? "right" : "top" },
        tooltip: {
          callbacks: {
            label: (ctx) =>
              `${ctx.dataset.label}: ${format(ctx.parsed[horizontal ? "x" : "y"] ?? ctx.parsed)}`,
          },
        },
      },
      scales: round ? {} : horizontal
        ? {
          x: { ...valueAxis, ticks: { ...valueAxis.ticks, maxRotation: 0 } },
          y: { ticks: { autoSkip: false, callback: (_, i) => shorten(chart.labels[i] ?? "") } },
        }
        : { y: valueAxis, x: { ticks: { maxRotation: 50 } } },
    },
  };
}

async function main() {
  const body = document.body;
  const response = await fetch(body.dataset.dataUrl);
  const data = await response.json();
  if (!response.ok) {
    const message = document.getElementById("message");
    message.textContent = data.error ?? `The data did not load (HTTP ${response.status})`;
    message.hidden = false;
    text("range", "No data yet.");
    body.dataset.state = "empty";
    return;
  }
  const o = data.overview;
  text("range", `Orders from ${o.first_order_date ?? "–"} to ${o.last_order_date ?? "–"}.`);
  const run = data.modelsRun;
  text(
    "freshness",
    `Data through ${o.last_event_at ?? "–"}; Gold built ${o.built_at ?? "–"}` +
      (run ? ` (last models run ${ago(run.finishedAt)}: ${run.result}).` : "."),
  );
  kpis(o);
  const left = [];
  if (o.outlier_lines) {
    left.push(
      `${count.format(o.outlier_lines)} outlier line(s) worth ${eur.format(o.outlier_revenue_eur)}`,
    );
  }
  if (o.uncounted_lines) {
    left.push(`${count.format(o.uncounted_lines)} line(s) without a usable price or rate`);
  }
  text("note", left.length ? `Left out of revenue: ${left.join("; ")}.` : "");
  for (const chart of data.charts) {
    const canvas = document.getElementById(`chart-${chart.id}`);
    new Chart(canvas, config(chart));
  }
  body.dataset.state = "ready";
}

main().catch((error) => {
  console.error("Dashboard failed to draw:", error);
  document.body.dataset.state = "error";
});
