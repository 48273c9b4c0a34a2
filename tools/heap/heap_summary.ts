/**
 * `deno run --allow-read tools/heap/heap_summary.ts <early.heapsnapshot> [<late.heapsnapshot>]`:
 * sums a V8 heap snapshot's objects by kind and constructor (count and self size) and prints the
 * largest; given two, prints what grew from the first to the second, largest growth first. For
 * the snapshots `PIPELINE_HEAP_DUMP_DIR` makes (observability/heap_dump.ts).
 */

/** Count and self bytes by `<type> <name>`. */
export type HeapSummary = Map<string, { count: number; bytes: number }>;

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]] } };
  nodes: number[];
  strings: string[];
}

function isSnapshot(value: unknown): value is Snapshot {
  if (typeof value !== "object" || value === null) return false;
  const meta: unknown = Reflect.get(Reflect.get(value, "snapshot") ?? {}, "meta");
  if (typeof meta !== "object" || meta === null) return false;
  const types: unknown = Reflect.get(meta, "node_types");
  return Array.isArray(Reflect.get(meta, "node_fields")) &&
    Array.isArray(types) && Array.isArray(types[0]) &&
    Array.isArray(Reflect.get(value, "nodes")) && Array.isArray(Reflect.get(value, "strings"));
}

/** The summary of one snapshot's text. */
export function summarize(text: string): HeapSummary {
  const parsed: unknown = JSON.parse(text);
  if (!isSnapshot(parsed)) {
    throw new TypeError(
      "not a V8 heap snapshot: no snapshot.meta.node_fields, snapshot.meta.node_types, nodes or " +
        "strings (give it a .heapsnapshot file that PIPELINE_HEAP_DUMP_DIR's dumps wrote)",
    );
  }
  const { node_fields: fields, node_types: [types] } = parsed.snapshot.meta;
  const width = fields.length;
  const at = (field: string) => {
    const i = fields.indexOf(field);
    if (i < 0) throw new TypeError(`the snapshot's nodes have no field "${field}"`);
    return i;
  };
  const [typeAt, nameAt, sizeAt] = [at("type"), at("name"), at("self_size")];
  const summary: HeapSummary = new Map();
  const { nodes, strings } = parsed;
  for (let i = 0; i < nodes.length; i += width) {
    const type = types[nodes[i + typeAt] ?? 0] ?? "?";
    const raw = strings[nodes[i + nameAt] ?? 0] ?? "?";
    // Strings and code are named by their text: one line per kind is enough for those.
    const name = type === "object" || type === "native" || type === "closure"
      ? raw.slice(0, 60)
      : "";
    const key = `${type} ${name}`.trim();
    const entry = summary.get(key) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += nodes[i + sizeAt] ?? 0;
    summary.set(key, entry);
  }
  return summary;
}

function row(key: string, count: number, bytes: number): string {
  return `${(bytes / 1024).toFixed(0).padStart(9)} KiB ${String(count).padStart(9)}  ${key}`;
}

if (import.meta.main) {
  const [first, second] = Deno.args;
  if (first === undefined) {
    console.error("usage: heap_summary.ts <early.heapsnapshot> [<late.heapsnapshot>]");
    Deno.exit(2);
  }
  const a = summarize(await Deno.readTextFile(first));
  const total = (s: HeapSummary) => [...s.values()].reduce((n, e) => n + e.bytes, 0);
  if (second === undefined) {
    console.log(`${first}: ${(total(a) / 1048576).toFixed(1)} MiB`);
    const top = [...a].sort((x, y) => y[1].bytes - x[1].bytes).slice(0, 40);
    for (const [key, e] of top) console.log(row(key, e.count, e.bytes));
  } else {
    const b = summarize(await Deno.readTextFile(second));
    console.log(
      `${first} ${(total(a) / 1048576).toFixed(1)} MiB -> ${second} ${
        (total(b) / 1048576).toFixed(1)
      } MiB; largest growth (KiB, count):`,
    );
    const keys = new Set([...a.keys(), ...b.keys()]);
    const grown = [...keys].map((k) => {
      const x = a.get(k) ?? { count: 0, bytes: 0 };
      const y = b.get(k) ?? { count: 0, bytes: 0 };
      return { k, count: y.count - x.count, bytes: y.bytes - x.bytes };
    }).sort((x, y) => y.bytes - x.bytes).slice(0, 40);
    for (const g of grown) console.log(row(g.k, g.count, g.bytes));
  }
}
