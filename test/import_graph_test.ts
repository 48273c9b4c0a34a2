import assert from "node:assert/strict";
import { importGraph, importsOf, staticClosure } from "./import_graph.ts";

const graph = await importGraph();

/**
 * What a protocol module may import besides other protocol modules: the protocol checks, and the
 * thread's buffer pool the codecs take their large buffers from (plain allocation, no Worker).
 */
const PROTOCOL_HELPERS = [
  "actors/runtime/protocol.ts",
  "actors/runtime/guards.ts",
  "actors/runtime/buffer_pool.ts",
];
/** Runtime built-ins a protocol may use: the packed-rows codec validates UTF-8 with `isUtf8`. */
const PROTOCOL_BUILTINS = ["node:buffer"];

Deno.test("imports are read from static, re-exported and dynamic forms", () => {
  const edges = importsOf(
    "actors/writer/x.ts",
    `import { a } from "../runtime/protocol.ts";\nexport { b } from "./b.ts";\n` +
      `import "npm:side";\nconst m = await import("./lazy.ts");\n`,
  );
  assert.deepEqual(edges.map((e) => [e.path ?? e.specifier, e.dynamic]), [
    ["actors/runtime/protocol.ts", false],
    ["actors/writer/b.ts", false],
    ["npm:side", false],
    ["actors/writer/lazy.ts", true],
  ]);
});

Deno.test("a protocol module imports nothing but other protocols and the runtime's protocol helpers", () => {
  const wrong: string[] = [];
  const protocols = [...graph.keys()].filter((p) =>
    p.startsWith("messages/") && !p.endsWith("_test.ts")
  );
  assert.ok(protocols.length >= 8, `the protocol modules are read: ${protocols}`);
  for (const path of protocols) {
    const edges = graph.get(path) ?? [];
    for (const edge of edges) {
      const allowed = PROTOCOL_BUILTINS.includes(edge.specifier) || (edge.path !== undefined &&
        (edge.path.startsWith("messages/") || PROTOCOL_HELPERS.includes(edge.path)));
      if (!allowed) wrong.push(`${path} imports ${edge.specifier}`);
    }
  }
  assert.deepEqual(wrong, [], "messages/ describes actors as plain data; payload types live here");
});

/** Native libraries a module's static imports load (npm packages with a `.node` addon). */
const NATIVE = /^(npm:)?@duckdb\//;

Deno.test("BigQuery mode loads no DuckDB to export: the exporter's and the writer's Workers import it only on demand", () => {
  for (const entry of ["actors/exporter/exporter_actor.ts", "actors/writer/writer_actor.ts"]) {
    const loaded = staticClosure(graph, entry);
    assert.ok(loaded.size > 5, `${entry}'s modules are followed`);
    const native = [...loaded].flatMap((path) =>
      (graph.get(path) ?? []).filter((e) => !e.dynamic && NATIVE.test(e.specifier))
        .map((e) => `${path} imports ${e.specifier}`)
    );
    assert.deepEqual(native, [], `${entry} must not load DuckDB before it is asked to`);
  }
  const client = staticClosure(graph, "actors/writer/bigquery/parquet_export.ts");
  assert.ok(
    [...client].some((p) => (graph.get(p) ?? []).some((e) => NATIVE.test(e.specifier))),
    "the client-path export (emulator only) does use DuckDB, loaded when it runs",
  );
});
