/**
 * Test helper: one small Bronze fixture built through dbt once per test process, shared by the
 * models tests and the dashboards' browser test (a dbt build is the slow part). Removed when the
 * process ends. To test against the real pipeline's export (issue 14), swap the fixture here.
 */
import { loadConfig } from "../../config/config.ts";
import { type BronzeFixture, buildBronzeFixture } from "./bronze_fixture.ts";
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

let shared: Promise<ModelsBuild> | undefined;

async function build(): Promise<ModelsBuild> {
  const dataDir = await Deno.makeTempDir({ prefix: "models-test-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dataDir, { recursive: true }));
  const target = modelsTarget(loadConfig((key) => key === "DATA_DIR" ? dataDir : undefined));
  const lake = `${dataDir}/lake`;
  const fixture = await buildBronzeFixture({
    lake,
    count: 20_000,
    checkoutSuccessPercent: 3,
    duplicates: 40,
  });
  const run = await runModels(target);
  return { dataDir, lake, target, fixture, run };
}

/** The shared fixture build (Bronze, then `dbt build`), made on first call. */
export function sharedModelsBuild(): Promise<ModelsBuild> {
  shared ??= build();
  return shared;
}
