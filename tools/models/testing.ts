/**
 * Test helper: one small Bronze fixture built through dbt once per test run, shared by the models
 * tests and the dashboards' browser test (the dbt build is the slow part). Deno runs each test
 * module in its own isolate, so the build is shared on disk: a folder named after the test
 * process, made under a file lock by the first module that asks; folders of runs more than six
 * hours old are removed. The Bronze is the pipeline's own export (`exported_bronze.ts`); the
 * contract-shaped fixture (`bronze_fixture.ts`) stays for what the export cannot make: replays
 * in another generation's files and Bronze written before watermark epochs.
 */
import { loadConfig } from "../../config/config.ts";
import type { BronzeFixture } from "./bronze_fixture.ts";
import { buildExportedBronze } from "./exported_bronze.ts";
import { type ModelsRunRecord, runModels } from "./models_run.ts";
import { type ModelsTarget, modelsTarget } from "./models_target.ts";

/** The shared build. */
export interface ModelsBuild {
  readonly dataDir: string;
  readonly lake: string;
  readonly target: ModelsTarget;
  readonly fixture: BronzeFixture;
  readonly run: ModelsRunRecord;
}

const ROOT = `${Deno.env.get("TMPDIR") ?? "/tmp"}/clickstream-models-test`;

/** Builds older than this are from finished runs (a test run takes minutes). */
const STALE_MS = 6 * 3600_000;

/** Removes the builds of earlier test runs. */
async function removeStale(): Promise<void> {
  for await (const entry of Deno.readDir(ROOT)) {
    if (entry.name.startsWith(`${Deno.pid}`)) continue;
    const path = `${ROOT}/${entry.name}`;
    const modified = (await Deno.stat(path)).mtime?.getTime() ?? 0;
    if (Date.now() - modified > STALE_MS) await Deno.remove(path, { recursive: true });
  }
}

interface Saved {
  fixture: Omit<BronzeFixture, "expected"> & {
    expected: Omit<BronzeFixture["expected"], "revenueByStore"> & {
      revenueByStore: [string, number][];
    };
  };
  run: ModelsRunRecord;
}

async function build(dataDir: string, target: ModelsTarget): Promise<Saved> {
  // Bronze as the pipeline writes it: the real enricher, warehouse and export (issue 14).
  const fixture = await buildExportedBronze({
    dataDir,
    count: 20_000,
    checkoutSuccessPercent: 3,
    replays: 40,
    resetEvents: 30,
  });
  const run = await runModels(target);
  const { revenueByStore, ...expected } = fixture.expected;
  return {
    fixture: { ...fixture, expected: { ...expected, revenueByStore: [...revenueByStore] } },
    run,
  };
}

let shared: Promise<ModelsBuild> | undefined;

async function load(): Promise<ModelsBuild> {
  await Deno.mkdir(ROOT, { recursive: true });
  await removeStale();
  const dataDir = `${ROOT}/${Deno.pid}`;
  const target = modelsTarget(loadConfig((key) => key === "DATA_DIR" ? dataDir : undefined));
  const lock = await Deno.open(`${dataDir}.lock`, { create: true, write: true });
  try {
    await lock.lock(true);
    const savedFile = `${dataDir}/build.json`;
    let saved: Saved;
    try {
      saved = JSON.parse(await Deno.readTextFile(savedFile));
    } catch (error) {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
      saved = await build(dataDir, target);
      await Deno.writeTextFile(savedFile, JSON.stringify(saved));
    }
    const { revenueByStore, ...expected } = saved.fixture.expected;
    const fixture = {
      ...saved.fixture,
      expected: { ...expected, revenueByStore: new Map(revenueByStore) },
    };
    return { dataDir, lake: `${dataDir}/lake`, target, fixture, run: saved.run };
  } finally {
    await lock.unlock();
    lock.close();
  }
}

/** The shared fixture build (Bronze, then `dbt build`), made by the first caller of the run. */
export function sharedModelsBuild(): Promise<ModelsBuild> {
  shared ??= load();
  return shared;
}
