import assert from "node:assert/strict";
import {
  modelsPermissions,
  type PermissionContext,
  startPermissions,
} from "../../config/command_permissions.ts";
import { loadConfig } from "../../config/config.ts";

const venvRoot = "/home/u/.cache/clickstream-lakehouse/venv";
const context: PermissionContext = {
  sourceRoot: "/opt/lakehouse",
  toolCache: "/home/u/.cache/clickstream-lakehouse",
  defaultGeoip: [],
  googleCredentials: [],
  models: { python: "python3", venvRoot, dbt: `${venvRoot}/dbt-0123456789ab/bin/dbt` },
};

const config = (env: Record<string, string>) => loadConfig((key) => env[key]);

Deno.test("models may run only Python and the venv's dbt, and write only DATA_DIR, the lake and the venv folder", () => {
  const set = modelsPermissions(config({ DATA_DIR: "/srv/data", LAKE: "/srv/lake" }), context);
  assert.deepEqual(set.run, [`${venvRoot}/dbt-0123456789ab/bin/dbt`, "python3"]);
  assert.deepEqual(set.write, [venvRoot, "/srv/data", "/srv/lake"]);
  assert.deepEqual(set.net, [], "dbt's network is the child process's, not Deno's");
  assert.ok(!set.write.includes("/opt/lakehouse"), "the project itself stays read-only");
});

Deno.test("start runs dbt only with MODELS_AFTER_EXPORT=true", () => {
  const without = startPermissions(config({ KAFKA_BROKERS: "k:9092" }), context);
  assert.deepEqual(without.run, []);
  const withModels = startPermissions(
    config({ KAFKA_BROKERS: "k:9092", MODELS_AFTER_EXPORT: "true" }),
    context,
  );
  assert.deepEqual(withModels.run, [`${venvRoot}/dbt-0123456789ab/bin/dbt`, "python3"]);
  assert.ok(withModels.write.includes(venvRoot));
});
