/**
 * `deno task bench -- models [--events N] [--fixture]`: builds Bronze from N generated events
 * (default 1,000,000, the real event mix) through the pipeline's own enricher, DuckDB warehouse
 * and export (or, with `--fixture`, the faster contract-shaped fixture) and times `dbt build`
 * over it on the embedded DuckDB target: seconds for the Bronze, for the build (models and
 * tests), Gold rows.
 */
import { loadConfig } from "../config/config.ts";
import { buildBronzeFixture } from "../tools/models/bronze_fixture.ts";
import { buildExportedBronze } from "../tools/models/exported_bronze.ts";
import { summaryLines } from "../tools/models/models_command.ts";
import { runModels } from "../tools/models/models_run.ts";
import { modelsTarget } from "../tools/models/models_target.ts";

/** Runs the benchmark. */
export async function run(args: string[]): Promise<number> {
  const at = args.indexOf("--events");
  const events = at >= 0 ? Number(args[at + 1]) : 1_000_000;
  if (!Number.isSafeInteger(events) || events < 1) {
    console.error(`--events must be a positive integer, got ${args[at + 1]}`);
    return 2;
  }
  const dataDir = await Deno.makeTempDir({ prefix: "models-bench-" });
  try {
    const target = modelsTarget(loadConfig((key) => key === "DATA_DIR" ? dataDir : undefined));
    let t = performance.now();
    const fixture = args.includes("--fixture")
      ? await buildBronzeFixture({ lake: `${dataDir}/lake`, count: events })
      : await buildExportedBronze({ dataDir, count: events });
    const fixtureSeconds = (performance.now() - t) / 1000;
    t = performance.now();
    const record = await runModels(target);
    const buildSeconds = (performance.now() - t) / 1000;
    console.log(
      `models bench: events=${fixture.events} orders=${fixture.expected.orders} ` +
        `bronze_seconds=${fixtureSeconds.toFixed(1)} dbt_build_seconds=${buildSeconds.toFixed(1)}`,
    );
    console.log(summaryLines(record).join("\n"));
    return record.result === "success" ? 0 : 1;
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
}
