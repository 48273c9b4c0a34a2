/**
 * The repository's static import graph, read from the source text: which module imports which,
 * and which folders depend on which. Tests use it to keep the layering: a protocol module imports
 * only the runtime's protocol helpers, no two folders depend on each other, and a mode's Worker
 * does not load a native library it does not use.
 */
import { dirOf } from "../files/durable_file.ts";
import { listFiles } from "../files/file_tree.ts";

/** The repository root, without a trailing slash. */
export const REPO_ROOT = new URL("../", import.meta.url).pathname.replace(/\/$/, "");

/** Folders that are not the program's modules (generated, vendored, or another language). */
const SKIPPED = /^(node_modules|\.tools|\.git|transform|data|dist)\//;

/** One import of a module: the specifier as written and, for a relative one, the repo path. */
export interface ImportEdge {
  readonly specifier: string;
  /** Repository path of the imported module; undefined for a package (`npm:`, a bare name). */
  readonly path: string | undefined;
  /** A dynamic `import(...)`: loaded only when that line runs. */
  readonly dynamic: boolean;
}

const STATIC = /^\s*(?:import|export)\s[^"';]*?\bfrom\s*["']([^"']+)["']/gm;
const BARE = /^\s*import\s*["']([^"']+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"']+)["']\s*\)/g;

/** Repository path `specifier` names when imported from `from`; undefined for a package. */
function resolve(from: string, specifier: string): string | undefined {
  if (!specifier.startsWith(".")) return undefined;
  const parts = `${dirOf(from)}/${specifier}`.split("/");
  const out: string[] = [];
  for (const part of parts) {
    if (part === "" || part === ".") continue;
    if (part === "..") out.pop();
    else out.push(part);
  }
  return out.join("/");
}

/** The imports written in `text`, a module at repository path `path`. */
export function importsOf(path: string, text: string): ImportEdge[] {
  const edges: ImportEdge[] = [];
  for (const [pattern, dynamic] of [[STATIC, false], [BARE, false], [DYNAMIC, true]] as const) {
    for (const match of text.matchAll(pattern)) {
      const specifier = match[1] ?? "";
      edges.push({ specifier, path: resolve(path, specifier), dynamic });
    }
  }
  return edges;
}

/** Every TypeScript module of the repository (tests included) with its imports. */
export async function importGraph(root = REPO_ROOT): Promise<Map<string, ImportEdge[]>> {
  const graph = new Map<string, ImportEdge[]>();
  for (const path of (await listFiles(root)).sort()) {
    if (!path.endsWith(".ts") || SKIPPED.test(path)) continue;
    graph.set(path, importsOf(path, await Deno.readTextFile(`${root}/${path}`)));
  }
  return graph;
}

/** Whether a module is test code or test support rather than the program's. */
export function isTestCode(path: string): boolean {
  return /(^|\/)(test|bench)\//.test(path) ||
    /_test\.ts$|(^|\/)testing\.ts$|\/testdata\//.test(path) ||
    /_contract\.ts$/.test(path);
}

/**
 * The folder a module belongs to for layering: `actors/<name>` and `tools/<name>` (with their
 * subfolders), otherwise the top-level folder; a file at the root is its own unit.
 */
export function unitOf(path: string): string {
  const parts = path.split("/");
  if ((parts[0] === "actors" || parts[0] === "tools") && parts.length > 2) {
    return `${parts[0]}/${parts[1]}`;
  }
  return parts.length === 1 ? path : parts[0] ?? path;
}

/** Folder dependencies of the program's modules (tests left out): unit → units it imports. */
export function unitGraph(graph: Map<string, ImportEdge[]>): Map<string, Map<string, string[]>> {
  const units = new Map<string, Map<string, string[]>>();
  for (const [path, edges] of graph) {
    if (isTestCode(path)) continue;
    const from = unitOf(path);
    for (const edge of edges) {
      if (edge.path === undefined || isTestCode(edge.path)) continue;
      const to = unitOf(edge.path);
      if (to === from) continue;
      const targets = units.get(from) ?? new Map<string, string[]>();
      targets.set(to, [...targets.get(to) ?? [], `${path} -> ${edge.path}`]);
      units.set(from, targets);
    }
  }
  return units;
}

/** Groups of units that depend on each other (strongly connected, two or more), sorted. */
export function cycles(units: Map<string, Map<string, string[]>>): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (v: string) => {
    index.set(v, index.size);
    low.set(v, index.get(v) ?? 0);
    stack.push(v);
    onStack.add(v);
    for (const w of units.get(v)?.keys() ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
    }
    if (low.get(v) !== index.get(v)) return;
    const group: string[] = [];
    for (let w = stack.pop(); w !== undefined; w = stack.pop()) {
      onStack.delete(w);
      group.push(w);
      if (w === v) break;
    }
    if (group.length > 1) found.push(group.sort());
  };
  for (const v of units.keys()) if (!index.has(v)) visit(v);
  return found;
}

/** Every module `start` loads statically (dynamic imports not followed), itself included. */
export function staticClosure(graph: Map<string, ImportEdge[]>, start: string): Set<string> {
  const seen = new Set<string>();
  const todo = [start];
  for (let path = todo.pop(); path !== undefined; path = todo.pop()) {
    if (seen.has(path)) continue;
    seen.add(path);
    for (const edge of graph.get(path) ?? []) {
      if (edge.path !== undefined && !edge.dynamic) todo.push(edge.path);
    }
  }
  return seen;
}
