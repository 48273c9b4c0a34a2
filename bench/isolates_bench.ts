/**
 * `deno task bench -- isolates`: what the pipeline process pays before its first event, step by
 * step in this process, as RSS after each step: the geoip table prepared on a fresh data directory
 * (in its own Worker, as `deno task start` does), two empty Workers (the first also pays Deno's
 * one-time Worker set-up), then each declared Worker module loaded in the pipeline's start order,
 * not initialised (no DuckDB opened, no Kafka connection): what its isolate and module graph cost.
 * The on-demand actors' modules (`ON_DEMAND_ACTORS`: no Worker at start) come last, each loaded
 * as for a request and then ended: what one costs while it serves, and what stays after.
 * The crawler's is paid per crawler Worker, and only with CRAWL_ENABLED. Each step settles for
 * `--settle-ms` (default 1,500) before its reading: Workers load their modules asynchronously.
 * Memory a step frees stays with the allocator and V8 and is reused by the next steps, so a step
 * can read less than its own cost; the total is what the process holds.
 */
import { parseArgs } from "node:util";
import { WORKER_MODULES, workerModuleUrl } from "../actors/worker_modules.ts";
import { loadConfig } from "../config/config.ts";
import { prepareGeoip } from "../commands/geoip_table.ts";
import { ON_DEMAND_ACTORS } from "../pipeline/pipeline_actors.ts";

const rssMiB = (): number => Deno.memoryUsage().rss / 1048576;

/** Runs the steps and prints one line each. */
export async function run(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { "settle-ms": { type: "string", default: "1500" } },
  });
  const settleMs = Number(values["settle-ms"]);
  const settle = () => new Promise((resolve) => setTimeout(resolve, settleMs));
  const workers: Worker[] = [];
  let last = rssMiB();
  const step = async (what: string) => {
    await settle();
    const now = rssMiB();
    const added = (now - last).toFixed(0);
    console.log(
      `isolates: ${what}: ${added.startsWith("-") ? "" : "+"}${added} MiB (RSS ${
        now.toFixed(0)
      } MiB)`,
    );
    last = now;
  };
  console.log(`isolates: this process before any step: RSS ${last.toFixed(0)} MiB`);
  const dataDir = await Deno.makeTempDir({ prefix: "isolates-bench-" });
  try {
    const vars: Record<string, string> = { DATA_DIR: dataDir, KAFKA_BROKERS: "127.0.0.1:9" };
    const table = await prepareGeoip(loadConfig((key) => vars[key] ?? Deno.env.get(key)));
    await step(`geoip table prepared in a Worker that ended (${table ?? "none"})`);
    for (const n of [1, 2]) {
      workers.push(new Worker("data:text/javascript,", { type: "module", name: `empty-${n}` }));
      await step(`empty Worker ${n}`);
    }
    const names = Object.keys(WORKER_MODULES) as (keyof typeof WORKER_MODULES)[];
    for (const name of names.filter((n) => !ON_DEMAND_ACTORS.has(n))) {
      workers.push(new Worker(workerModuleUrl(name), { type: "module", name }));
      await step(`${name} Worker, module loaded`);
    }
    for (const name of names.filter((n) => ON_DEMAND_ACTORS.has(n))) {
      const worker = new Worker(workerModuleUrl(name), { type: "module", name });
      await step(`${name} Worker (on demand: not at start), module loaded for a request`);
      worker.terminate();
      await step(`${name} Worker ended after its request`);
    }
  } finally {
    for (const worker of workers) worker.terminate();
    await Deno.remove(dataDir, { recursive: true });
  }
  return 0;
}
