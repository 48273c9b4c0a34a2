/**
 * `deno task bench -- dimensions [--batches=N] [--batch=N] [--repeat=N] [--ways=a,b]`: ms per
 * statement of the dimension upserts over the first batches of a fresh warehouse (every key new at
 * first, fewer later), as the pipeline's latency phase starts: generated events (seed 12, the
 * ingest bench's latency producer) through the real enricher, in batches of `--batch` rows, each
 * batch's user agents and products moved into a fresh DuckDB file in one transaction by each way
 * (`--ways`, default all), `--repeat` times round (every other round in reverse order). Prints
 * figures; never fails on speed.
 */

import { DuckDBInstance } from "@duckdb/node-api";
import { BenchFlags } from "../../../bench/bench_flags.ts";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import { KnownKeys } from "../known_keys.ts";
import { defaultGeo, generatedBatches } from "./bench_batches.ts";
import { type Candidates, productCandidates, userAgentCandidates } from "./dimensions.ts";
import { DuckDBWarehouse, instanceConfig } from "./duckdb_warehouse.ts";
import { MOVES, type MoveTimes, type MoveWay } from "./dimension_moves.ts";

interface Options {
  batches: number;
  batch: number;
  repeat: number;
  ways: MoveWay[];
}

function parse(args: string[]): Options {
  const flags = new BenchFlags("dimensions", args);
  const ways = (flags.text("ways") ?? Object.keys(MOVES).join(",")).split(",");
  for (const way of ways) {
    if (!(way in MOVES)) {
      throw new RangeError(`--ways takes ${Object.keys(MOVES).join(", ")}; got ${way}`);
    }
  }
  const options = {
    batches: flags.count("batches", 30),
    batch: flags.count("batch", 1000),
    repeat: flags.count("repeat", 2),
    ways: ways as MoveWay[],
  };
  flags.rejectUnread();
  return options;
}

/** The ingest bench's latency producer's stream (seed 12). */
const LATENCY_STREAM = { seed: 12, topic: "bench-latency" } as const;

/** Per batch: candidates, the move's statements, COMMIT (ms), and the keys moved. */
interface BatchTimes {
  agents: number;
  products: number;
  candidatesMs: number;
  agentMoves: MoveTimes;
  productMoves: MoveTimes;
  commitMs: number;
}

async function runWay(way: MoveWay, batches: readonly RowBatch[], path: string) {
  // The warehouse's schema and settings, on a connection of our own as the upserts have.
  const warehouse = new DuckDBWarehouse({ path });
  await warehouse.open();
  await warehouse.close();
  const instance = await DuckDBInstance.create(path, instanceConfig({ path }));
  const connection = await instance.connect();
  const agentsKnown = new KnownKeys();
  const productsKnown = new KnownKeys();
  const move = MOVES[way];
  const times: BatchTimes[] = [];
  try {
    for (const rows of batches) {
      await connection.run("BEGIN TRANSACTION");
      const started = performance.now();
      const agents: Candidates = userAgentCandidates(rows, agentsKnown, Date.now());
      const products: Candidates = productCandidates(rows, productsKnown);
      const candidatesMs = performance.now() - started;
      const agentMoves = await move(connection, "user_agents", agents);
      const productMoves = await move(connection, "product_catalog", products);
      const commitStarted = performance.now();
      await connection.run("COMMIT");
      const commitMs = performance.now() - commitStarted;
      agentsKnown.addAll(agents.keys);
      productsKnown.addAll(products.keys);
      times.push({
        agents: agents.keys.length,
        products: products.keys.length,
        candidatesMs,
        agentMoves,
        productMoves,
        commitMs,
      });
    }
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return times;
}

const total = (m: MoveTimes) => m.prepareMs + m.appendMs + m.insertMs;
const fmt = (ms: number) => ms.toFixed(1);
const moveText = (m: MoveTimes) =>
  `${fmt(m.prepareMs)}+${fmt(m.appendMs)}+${fmt(m.insertMs)}=${fmt(total(m))}`;

function print(way: MoveWay, round: number, times: readonly BatchTimes[]): void {
  console.log(
    `${way}, round ${round}: per batch new agents/products, ms of candidates (JS); per table ` +
      `prepare+append+insert; COMMIT; all`,
  );
  const totals = times.map((t) =>
    t.candidatesMs + total(t.agentMoves) + total(t.productMoves) + t.commitMs
  );
  for (const [i, t] of times.entries()) {
    if (i < 12 || i === times.length - 1) {
      console.log(
        `  ${String(i + 1).padStart(3)}: ${String(t.agents).padStart(4)}/${
          String(t.products).padStart(4)
        }  cand ${fmt(t.candidatesMs)}  ua ${moveText(t.agentMoves)}  products ${
          moveText(t.productMoves)
        }  COMMIT ${fmt(t.commitMs)}  all ${fmt(totals[i] ?? 0)}`,
      );
    }
  }
  const sum = (ms: readonly number[]) => ms.reduce((s, m) => s + m, 0);
  console.log(
    `  sum ${fmt(sum(totals))} ms over ${times.length} batches; first 10 ${
      fmt(sum(totals.slice(0, 10)))
    } ms`,
  );
}

/** Runs the benchmark; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const options = parse(args);
  const dir = await Deno.makeTempDir({ prefix: "dimensions_bench_" });
  try {
    const batches = generatedBatches(
      LATENCY_STREAM,
      options.batch,
      options.batches,
      await defaultGeo(dir),
    );
    console.log(
      `dimension upserts: ${options.batches} batches of ${options.batch} generated events, ` +
        `fresh warehouse per run; ways ${options.ways.join(", ")}`,
    );
    for (let round = 1; round <= options.repeat; round++) {
      const order = round % 2 === 0 ? [...options.ways].reverse() : options.ways;
      for (const way of order) {
        const path = `${dir}/${way}_${round}.duckdb`;
        print(way, round, await runWay(way, batches, path));
      }
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
  return 0;
}

if (import.meta.main) Deno.exit(await run(Deno.args));
