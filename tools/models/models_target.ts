/**
 * Where the models run, from the pipeline's configuration: the DuckDB target over a lake folder
 * (Bronze read in place, Silver/Gold written beside it, the models' own DuckDB file under
 * DATA_DIR, never the warehouse file), or the BigQuery target over the warehouse dataset's
 * Bronze views. Pure: returns the dbt environment and the folders, or says why it cannot.
 */
import type { Config } from "../../config/config.ts";

/** A resolved place to run the models. */
export interface ModelsTarget {
  readonly kind: "duckdb" | "bigquery";
  /** Environment variables `transform/profiles.yml` and the project read. */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute lake folder (DuckDB only): bronze/ in, silver/ and gold/ out. */
  readonly lake: string | undefined;
  /** Absolute folder for dbt's target/, logs/ and the last run record. */
  readonly stateDir: string;
}

/** Absolute form of `path` against the working directory. */
export function absolute(path: string): string {
  return path.startsWith("/") ? path : `${Deno.cwd()}/${path.replace(/^\.\//, "")}`;
}

/** The models' target for `config`; throws a RangeError saying what to change when none fits. */
export function modelsTarget(config: Config): ModelsTarget {
  const dataDir = absolute(config.dataDir);
  const stateDir = `${dataDir}/models`;
  const common = {
    DBT_SEND_ANONYMOUS_USAGE_STATS: "false",
    DBT_VERSION_CHECK: "false",
    DBT_TARGET_PATH: `${stateDir}/target`,
    DBT_LOG_PATH: `${stateDir}/logs`,
  };
  const warehouse = config.warehouse;
  if (warehouse.kind === "bigquery") {
    return {
      kind: "bigquery",
      lake: undefined,
      stateDir,
      env: {
        ...common,
        MODELS_TARGET: "bigquery",
        MODELS_BIGQUERY_PROJECT: warehouse.project,
        MODELS_BIGQUERY_DATASET: warehouse.dataset,
        MODELS_BRONZE_DATASET: warehouse.dataset,
      },
    };
  }
  if (config.lake.kind !== "folder") {
    throw new RangeError(
      `Cannot run the models on DuckDB over LAKE=gs://${config.lake.bucket}: the embedded ` +
        "target reads a lake folder; set LAKE to a folder, or WAREHOUSE=bigquery:<project>.<dataset>",
    );
  }
  const lake = absolute(config.lake.path);
  return {
    kind: "duckdb",
    lake,
    stateDir,
    env: {
      ...common,
      MODELS_TARGET: "duckdb",
      MODELS_LAKE: lake,
      MODELS_DUCKDB: `${stateDir}/models.duckdb`,
    },
  };
}
