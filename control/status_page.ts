/**
 * The human status page: the status snapshot rendered as plain HTML tables, refreshed every
 * few seconds. No scripts, no external assets.
 */

function escape(text: string): string {
  return text.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "object") return `<code>${escape(JSON.stringify(value))}</code>`;
  return escape(String(value));
}

function table(rows: Record<string, unknown>[]): string {
  const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const head = columns.map((c) => `<th>${escape(c)}</th>`).join("");
  const body = rows.map((r) => `<tr>${columns.map((c) => `<td>${cell(r[c])}</td>`).join("")}</tr>`);
  return `<table><tr>${head}</tr>${body.join("")}</table>`;
}

function section(name: string, value: unknown): string {
  const title = `<h2>${escape(name)}</h2>`;
  if (Array.isArray(value) && value.every((v) => v !== null && typeof v === "object")) {
    return title + table(value as Record<string, unknown>[]);
  }
  if (value !== null && typeof value === "object") {
    return title + table(Object.entries(value).map(([k, v]) => ({ name: k, value: v })));
  }
  return title + `<p>${cell(value)}</p>`;
}

/** Renders the status snapshot as a page. */
export function statusPage(status: Record<string, unknown>): string {
  const sections = Object.entries(status).map(([k, v]) => section(k, v)).join("\n");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta http-equiv="refresh" content="5">
<title>Clickstream lakehouse</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}table{border-collapse:collapse}
td,th{border:1px solid #ccc;padding:2px 8px;text-align:left}th{background:#f4f4f4}</style>
</head><body><h1>Clickstream lakehouse pipeline</h1>
${sections}
</body></html>
`;
}
