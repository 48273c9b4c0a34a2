/**
 * The `deno compile` command line of the single binary, from the declarations it must agree
 * with: every Worker module (Workers load by URL, so each is named with --include), the default
 * geoip CSVs (read at run time), and `start`'s permissions derived from the configuration given
 * at build time, with the binary's embedded root as the place its modules are read from.
 */
import { relative } from "node:path";
import { WORKER_MODULES } from "../actors/worker_modules.ts";
import type { Config } from "../config/config.ts";
import { type PermissionContext, startPermissions } from "../config/command_permissions.ts";
import { permissionFlags, type PermissionSet } from "../config/permission_set.ts";
import { v8FlagsArgument } from "./pipeline_v8_flags.ts";

/** Where the binary is written by default. */
export const DEFAULT_OUTPUT = "dist/clickstream-lakehouse";

/**
 * Where a binary named `name` unpacks nothing but reads its embedded files from: Deno's
 * standalone root, `<temp dir>/deno-compile-<name>` (`/tmp` unless TMPDIR says otherwise).
 */
export function embeddedRoot(name: string, tempDir = "/tmp"): string {
  return `${tempDir}/deno-compile-${name}`;
}

/** The plan: arguments of `deno compile` (run in `sourceRoot`) and the permissions baked in. */
export interface CompilePlan {
  readonly args: readonly string[];
  readonly permissions: PermissionSet;
  readonly includes: readonly string[];
}

/** Builds the plan for `config`, as the build machine's `context` sees it. */
export function compilePlan(
  config: Config,
  context: PermissionContext,
  output = DEFAULT_OUTPUT,
): CompilePlan {
  const name = output.slice(output.lastIndexOf("/") + 1);
  const root = context.sourceRoot;
  const includes = [
    ...Object.values(WORKER_MODULES),
    ...context.defaultGeoip.map((file) => relative(root, file)),
  ];
  // In the binary, modules and included files are read under its embedded root.
  const permissions = startPermissions(config, {
    ...context,
    sourceRoot: embeddedRoot(name),
    defaultGeoip: [],
  });
  return {
    args: [
      "compile",
      v8FlagsArgument(),
      ...permissionFlags(permissions),
      ...includes.flatMap((file) => ["--include", file]),
      "--output",
      output,
      "main.ts",
    ],
    permissions,
    includes,
  };
}
