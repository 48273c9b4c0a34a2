/**
 * `deno task bench -- <name> [options]`: runs one benchmark and prints its figures. Benchmarks
 * report numbers; they never pass or fail on speed (tests check behaviour only).
 */

/** A benchmark module: runs with its arguments and returns the exit code. */
interface Bench {
  run(args: string[]): Promise<number>;
}

const BENCHES: Record<string, { doc: string; load: () => Promise<Bench> }> = {
  runtime: {
    doc: "messages/s through a chain of three workers",
    load: () => import("./runtime_bench.ts"),
  },
  route: {
    doc: "CPU per event of a data hop through the host next to a MessagePort between Workers",
    load: () => import("./route_bench.ts"),
  },
  ingest: {
    doc: "events/s from a pre-filled topic to committed staging, peak RSS, latency percentiles",
    load: () => import("./ingest_bench.ts"),
  },
  isolates: {
    doc: "MiB of RSS the process pays at start: the geoip table, each Worker module loaded",
    load: () => import("./isolates_bench.ts"),
  },
  export: {
    doc: "rows/s exporting staged rows to Parquet, next to DuckDB's own COPY",
    load: () => import("./export_bench.ts"),
  },
  "export-ingest": {
    doc: "events/s and CPU time per event ingested while exports run, next to before each",
    load: () => import("./export_ingest_bench.ts"),
  },
  "kafka-clients": {
    doc: "consumption msgs/s: kafkajs next to @platformatic/kafka on the same topic",
    load: () => import("./kafka_clients_bench.ts"),
  },
  duckdb: {
    doc: "rows/s into the DuckDB warehouse: columnar path vs row appender",
    load: () => import("../actors/writer/duckdb/duckdb_bench.ts"),
  },
  "ua-reparse": {
    doc: "ms a DuckDB warehouse's open spends parsing its user_agents dimension again",
    load: () => import("../actors/writer/duckdb/user_agent_reparse_bench.ts"),
  },
  dimensions: {
    doc: "ms per statement of the dimension upserts over a fresh warehouse's first batches",
    load: () => import("../actors/writer/duckdb/dimensions_bench.ts"),
  },
  "checkpoint-beside": {
    doc: "whether a DuckDB checkpoint holds commits: into the same file, into another attached one",
    load: () => import("./attached_checkpoint_bench.ts"),
  },
  enrich: {
    doc: "events/s through one enricher: decode, coerce, UA lookup, columns",
    load: () => import("../actors/enricher/enrich_bench.ts"),
  },
  hostile: {
    doc: "ms one enricher spends on hostile events (50,000-id cart, 1.7 MB of problems, ...)",
    load: () => import("../actors/enricher/hostile_bench.ts"),
  },
  models: {
    doc: "seconds of dbt build (Silver, Gold, tests) over N generated events (default 1M)",
    load: () => import("./models_bench.ts"),
  },
  geoip: {
    doc: "range table build, size, lookups/s, time to first lookup",
    load: () => import("./geoip_bench.ts"),
  },
};

/** Runs the benchmark named by the first argument (or lists them). */
export async function run(args: string[]): Promise<number> {
  // `deno task bench -- geoip` passes the "--" through; it separates nothing here.
  const [name, ...rest] = args[0] === "--" ? args.slice(1) : args;
  const bench = name === undefined ? undefined : BENCHES[name];
  if (bench === undefined) {
    const list = Object.entries(BENCHES).map(([n, b]) => `  ${n.padEnd(10)} ${b.doc}`);
    console.error(`usage: deno task bench -- <name> [options]\n\nbenchmarks:\n${list.join("\n")}`);
    return name === undefined ? 0 : 2;
  }
  return await (await bench.load()).run(rest);
}
