// Draws the pipeline's /status (polled every 2 s, no reload) for an operator: the supervision
// tree, events per second by stage, consumer lag, dead letters by code, last export and models
// run, the geo table. Sets body[data-state] to "ready" after the first draw, "down" when /status
// does not answer; body[data-updates] counts the draws.
/* global Chart */
"use strict";

const STAGES = [
  ["consumed", "Consumed", "#2f6fb0"],
  ["staged", "Staged", "#3a9d6a"],
  ["deadLettered", "Dead-lettered", "#c44e52"],
  ["replayed", "Replayed", "#e07b39"],
];
const number = new Intl.NumberFormat("en-GB", { maximumFractionDigits: 0 });
const charts = {};

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, value);
  node.append(...children);
  return node;
}

function treeNode(node) {
  const state = el("span", { class: `badge ${node.state}` }, node.state);
  const facts = el("span", { class: "facts" });
  if (node.kind === "actor") {
    const fill = node.mailboxCapacity > 0 ? node.mailboxDepth / node.mailboxCapacity : 0;
    const bar = el("span", { class: `fill${fill > 0.8 ? " high" : ""}` }, el("span"));
    bar.firstChild.style.width = `${Math.round(fill * 100)}%`;
    facts.append(
      el("span", {}, `${node.running}/${node.members} running${node.onDemand ? " on demand" : ""}`),
      el("span", {}, `restarts ${node.restarts}`),
      el("span", { title: "mailbox fill" }, bar, ` ${node.mailboxDepth}/${node.mailboxCapacity}`),
      el("span", {}, `${number.format(node.processed)} msgs`),
    );
  } else {
    facts.append(el("span", {}, `supervisor · restarts ${node.restarts}`));
  }
  const row = el(
    "div",
    { class: "node", "data-actor": node.name, "data-state": node.state },
    el("span", { class: "name" }, node.name),
    state,
    facts,
  );
  if (node.lastError) row.append(el("span", { class: "error" }, `last error: ${node.lastError}`));
  const item = el("li", {}, row);
  if (node.children?.length) item.append(el("ul", {}, ...node.children.map(treeNode)));
  return item;
}

function facts(id, pairs) {
  const list = document.getElementById(id);
  list.replaceChildren(...pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, String(v))]));
}

function rates(history) {
  const samples = history?.samples ?? [];
  const labels = [];
  const series = STAGES.map(() => []);
  for (let i = 1; i < samples.length; i++) {
    const a = samples[i - 1];
    const b = samples[i];
    const seconds = (b.t - a.t) / 1000;
    if (seconds <= 0) continue;
    labels.push(new Date(b.t).toISOString().slice(11, 19));
    STAGES.forEach(([key], s) => series[s].push(Math.max(0, (b[key] - a[key]) / seconds)));
  }
  return { labels, series };
}

function draw(id, type, labels, datasets, options = {}) {
  const config = {
    type,
    data: { labels, datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { display: datasets.length > 1 } },
      scales: { y: { beginAtZero: true } },
      ...options,
    },
  };
  if (charts[id]) {
    charts[id].data = config.data;
    charts[id].update("none");
  } else {
    charts[id] = new Chart(document.getElementById(`chart-${id}`), config);
  }
}

function render(status) {
  const events = status.events ?? {};
  const kpis = [
    ["Consumed", events.consumed],
    ["Staged", events.staged],
    ["Dead-lettered", events.deadLettered],
    ["Replayed", events.replayed],
    [
      "End-to-end latency",
      status.lastEndToEndLatencyMs == null
        ? "–"
        : `${(status.lastEndToEndLatencyMs / 1000).toFixed(1)} s`,
    ],
  ];
  document.getElementById("kpis").replaceChildren(
    ...kpis.map(([label, value]) =>
      el(
        "div",
        { class: "kpi" },
        el("strong", {}, typeof value === "number" ? number.format(value) : String(value ?? "–")),
        el("span", {}, label),
      )
    ),
  );
  const tree = status.supervision;
  document.getElementById("tree").replaceChildren(el("ul", { class: "tree" }, treeNode(tree)));
  const health = document.getElementById("health");
  health.textContent = `Pipeline ${tree.state}.`;
  health.className = tree.state === "running" ? "" : "down";
  document.getElementById("updated").textContent = `Updated ${
    new Date().toISOString().slice(11, 19)
  } UTC, every 2 s.`;

  const r = rates(status.eventsHistory);
  draw(
    "rates",
    "line",
    r.labels,
    STAGES.map(([, name, color], s) => ({
      label: name,
      data: r.series[s],
      borderColor: color,
      backgroundColor: color,
      pointRadius: 0,
      borderWidth: 2,
    })),
  );
  const partitions = status.partitions ?? [];
  document.getElementById("lag-empty").hidden = partitions.length > 0;
  draw("lag", "bar", partitions.map((p) => `p${p.partition}${p.paused ? " (paused)" : ""}`), [{
    label: "Lag",
    data: partitions.map((p) => p.lag),
    backgroundColor: partitions.map((p) => p.paused ? "#e07b39" : "#2f6fb0"),
  }]);
  const dead = Object.entries(status.deadLettersByCode ?? {}).sort((a, b) => b[1] - a[1]);
  document.getElementById("dead-empty").hidden = dead.length > 0;
  draw("dead", "bar", dead.map(([code]) => code), [{
    label: "Dead letters",
    data: dead.map(([, n]) => n),
    backgroundColor: "#c44e52",
  }], { indexAxis: "y", scales: { x: { beginAtZero: true } } });

  const ex = status.lastExport;
  facts(
    "export",
    ex
      ? [
        ["Finished", ex.finishedAt],
        ["Rows", number.format(ex.rows)],
        ["Files", ex.files],
        ["Seconds", ex.seconds],
      ]
      : [["Finished", "no export since the pipeline started"]],
  );
  const models = status.models ?? {};
  const run = models.lastRun;
  const gold = run?.goldRows ? Object.values(run.goldRows).reduce((a, b) => a + b, 0) : null;
  facts("models", [
    ["After each export", models.afterExport ? "yes (MODELS_AFTER_EXPORT)" : "no"],
    ["Running now", models.running ? "yes" : "no"],
    ["Finished", run?.finishedAt ?? "never"],
    ["Result", run?.result ?? "–"],
    ["Gold rows", gold === null ? "–" : number.format(gold)],
    ...(run?.error ? [["Problem", run.error.split("\n")[0]]] : []),
  ]);
  facts("geo", [["Table", status.geoipTable ?? "none configured (geo columns stay empty)"]]);
}

async function poll() {
  const body = document.body;
  try {
    const token = new URLSearchParams(location.search).get("token");
    const response = await fetch(body.dataset.statusUrl, {
      cache: "no-store",
      headers: token === null ? {} : { authorization: `Bearer ${token}` },
    });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    render(await response.json());
    body.dataset.updates = String(Number(body.dataset.updates ?? 0) + 1);
    body.dataset.state = "ready";
  } catch (error) {
    document.getElementById("health").textContent = `Status not reachable (${error.message}).`;
    document.getElementById("health").className = "down";
    body.dataset.state = "down";
  }
  setTimeout(poll, 2000);
}

poll();
