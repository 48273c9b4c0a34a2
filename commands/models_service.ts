/**
 * What the running pipeline adds for the models: the dashboards under `/dashboards` (a route for
 * the control server), the models run after each export (`MODELS_AFTER_EXPORT`), and their state
 * in `/status`. The control server itself knows nothing of dbt.
 */
import type { Pipeline } from "../pipeline/pipeline.ts";
import type { Config } from "../config/config.ts";
import type { ControlHandlers, Route } from "../control/control_server.ts";
import { type Dashboards, dashboardsFor } from "../dashboards/dashboards_handler.ts";
import { getLogger } from "../observability/log.ts";
import { permissionContext } from "./permissions.ts";
import { ModelsAfterExport } from "../tools/models/models_after_export.ts";
import { type ModelsTarget, modelsTarget } from "../tools/models/models_target.ts";

/** The models' part of a running pipeline. */
export interface ModelsService {
  /** `base` with the models' state added to /status. */
  controlHandlers(base: ControlHandlers): ControlHandlers;
  /** The control server's extra routes: the dashboards. */
  readonly routes: readonly Route[];
  /** Waits for a models run under way, then closes the dashboards' reader. */
  stop(): Promise<void>;
}

function targetOf(config: Config): ModelsTarget | undefined {
  try {
    return modelsTarget(config);
  } catch (error) {
    // DuckDB over a gs:// lake: no target to run the models on from here.
    if (error instanceof RangeError) return undefined;
    throw error;
  }
}

const log = getLogger("models");

/** Whether this process may make the venv and start dbt (the launcher grants both). */
function mayRunDbt(): boolean {
  const models = permissionContext().models;
  return models !== undefined &&
    [models.python, models.dbt].every((command) =>
      Deno.permissions.querySync({ name: "run", command }).state === "granted"
    );
}

/**
 * Starts the models' part of `pipeline`, with `board` (`dashboardsFor(config)`), which the control
 * server may serve already while the pipeline starts.
 */
export async function startModelsService(
  config: Config,
  pipeline: Pipeline,
  board: Dashboards = dashboardsFor(config),
): Promise<ModelsService> {
  let afterExport = config.pipeline.modelsAfterExport;
  if (afterExport && !mayRunDbt()) {
    log.warn("ModelsAfterExportNotPermitted", {
      hint: "MODELS_AFTER_EXPORT=true runs python3 and the venv's dbt: start with " +
        "`deno task start`, which grants them; exports go on without the models",
    });
    afterExport = false;
  }
  const schedule = new ModelsAfterExport(targetOf(config), afterExport);
  await schedule.load();
  pipeline.onExported((report) => schedule.exported(report.rows));
  return {
    controlHandlers: (base) => ({
      ...base,
      status: () => ({ ...base.status(), models: schedule.status() }),
    }),
    routes: [board.route],
    stop: async () => {
      await schedule.idle();
      await board.close();
    },
  };
}
