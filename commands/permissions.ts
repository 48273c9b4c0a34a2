/**
 * This process's side of the derived permissions: the context they are derived in (where the
 * modules, caches and credentials are) and the check `start` runs first, which names every
 * permission the configuration needs that the process lacks instead of failing on the first use.
 */
import { fileURLToPath } from "node:url";
import { DBIP_COUNTRY } from "../actors/geoip/dbip_country.ts";
import type { ModelsPaths, PermissionContext } from "../config/command_permissions.ts";
import { pythonEnvDir } from "../tools/python/python_env.ts";
import type { PermissionSet } from "../config/permission_set.ts";

/** The repository root (or, in a compiled binary, its embedded root), without a trailing "/". */
export const SOURCE_ROOT = fileURLToPath(new URL("../", import.meta.url)).replace(/\/$/, "");

/** Where Application Default Credentials are read from, when Google is used. */
function googleCredentialFiles(env: (key: string) => string | undefined): string[] {
  const explicit = env("GOOGLE_APPLICATION_CREDENTIALS");
  if (explicit !== undefined && explicit !== "") return [explicit];
  const home = env("HOME");
  const gcloud = env("CLOUDSDK_CONFIG") ??
    (home === undefined ? undefined : `${home}/.config/gcloud`);
  return gcloud === undefined ? [] : [`${gcloud}/application_default_credentials.json`];
}

/** The models' venv paths under the tool cache (from the pins in `transform/requirements.txt`). */
function modelsPaths(
  toolCache: string | undefined,
  env: (key: string) => string | undefined,
): ModelsPaths | undefined {
  if (toolCache === undefined) return undefined;
  const venvRoot = `${toolCache}/venv`;
  const pins = Deno.readTextFileSync(`${SOURCE_ROOT}/transform/requirements.txt`);
  return {
    python: env("PYTHON") ?? "python3",
    venvRoot,
    dbt: `${pythonEnvDir(venvRoot, "dbt", pins)}/bin/dbt`,
  };
}

/** The context of this process (`sourceRoot` may be replaced, as `compile` does). */
export function permissionContext(
  env: (key: string) => string | undefined = (key) => Deno.env.get(key),
): PermissionContext {
  const home = env("HOME");
  const toolCache = home === undefined || home === ""
    ? undefined
    : `${home}/.cache/clickstream-lakehouse`;
  return {
    sourceRoot: SOURCE_ROOT,
    toolCache,
    models: modelsPaths(toolCache, env),
    defaultGeoip: [DBIP_COUNTRY.ipv4Csv, DBIP_COUNTRY.ipv6Csv],
    googleCredentials: googleCredentialFiles(env),
  };
}

/** Each entry of `set` this process does not hold, as `kind value` ("net kafka-3:9093"). */
export async function missingPermissions(set: PermissionSet): Promise<string[]> {
  const missing: string[] = [];
  const check = async (descriptor: Deno.PermissionDescriptor, shown: string) => {
    if ((await Deno.permissions.query(descriptor)).state !== "granted") missing.push(shown);
  };
  for (const host of set.net) await check({ name: "net", host }, `net ${host}`);
  for (const path of set.read) await check({ name: "read", path }, `read ${path}`);
  for (const path of set.write) await check({ name: "write", path }, `write ${path}`);
  for (const command of set.run) await check({ name: "run", command }, `run ${command}`);
  if (set.env) await check({ name: "env" }, "env");
  if (set.sys) await check({ name: "sys" }, "sys");
  if (set.ffi) await check({ name: "ffi" }, "ffi");
  return missing;
}
