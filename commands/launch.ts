/**
 * `main.ts launch <command> [args]`, what `deno task start` (and `export`, `produce`, `crawl`,
 * `kafka`, `compile`) run with only env, read and `deno` permissions: resolves the configuration,
 * derives the command's permissions from it, prints them once, and runs
 * `deno run <exactly those flags> main.ts <command> [args]`, forwarding SIGINT and SIGTERM and
 * returning its exit code. `compile` runs `deno compile` with start's permissions instead.
 */
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import {
  crawlPermissions,
  exportPermissions,
  kafkaPermissions,
  modelsPermissions,
  producePermissions,
  resetPermissions,
  startPermissions,
} from "../config/command_permissions.ts";
import { ConfigError, loadConfig } from "../config/config.ts";
import { permissionFlags, type PermissionSet } from "../config/permission_set.ts";
import { getLogger } from "../observability/log.ts";
import { parseDevBrokerFlags } from "../tools/kafka/kafka_command.ts";
import { compilePlan, DEFAULT_OUTPUT } from "./compile_arguments.ts";
import { EXIT_USAGE } from "./exit_codes.ts";
import { permissionContext, SOURCE_ROOT } from "./permissions.ts";
import { v8FlagsArgument } from "./pipeline_v8_flags.ts";

const log = getLogger("launch");
const MAIN = fileURLToPath(new URL("../main.ts", import.meta.url));

/** How each launched command's permissions follow from its configuration and arguments. */
const DERIVATIONS: Record<string, (args: string[]) => PermissionSet> = {
  start: () => startPermissions(loadConfig(), permissionContext()),
  export: () => exportPermissions(loadConfig()),
  produce: () => producePermissions(loadConfig()),
  crawl: () => crawlPermissions(loadConfig()),
  "reset-partition": () => resetPermissions(loadConfig(), permissionContext()),
  kafka: (args) => kafkaPermissions(parseDevBrokerFlags(args), permissionContext()),
  models: () => modelsPermissions(loadConfig(), permissionContext()),
};

const USAGE = `usage: main.ts launch <${
  [...Object.keys(DERIVATIONS), "compile"].join("|")
}> [args]`;

/** Runs `deno <args>` in the foreground with signals forwarded; resolves with its exit code. */
async function runDeno(args: readonly string[], cwd?: string): Promise<number> {
  const child = new Deno.Command("deno", {
    args: [...args],
    stdin: "inherit",
    stdout: "inherit",
    stderr: "inherit",
    ...(cwd === undefined ? {} : { cwd }),
  }).spawn();
  let exited = false;
  const forwards = (["SIGINT", "SIGTERM"] as const).map((signal) => {
    const forward = () => {
      if (!exited) child.kill(signal);
    };
    Deno.addSignalListener(signal, forward);
    return () => Deno.removeSignalListener(signal, forward);
  });
  try {
    const status = await child.status;
    exited = true;
    return status.code;
  } finally {
    for (const remove of forwards) remove();
  }
}

/** `compile [--output path]`: the single binary, with start's permissions for this configuration. */
async function compile(args: string[]): Promise<number> {
  let output: string;
  try {
    const { values } = parseArgs({
      args: args.filter((arg) => arg !== "--"),
      options: { output: { type: "string", default: DEFAULT_OUTPUT } },
    });
    output = values.output;
  } catch (error) {
    if (!(error instanceof TypeError)) throw error; // parseArgs: an unknown or bad argument
    console.error(`${error.message}\nusage: deno task compile [-- --output <path>]`);
    return EXIT_USAGE;
  }
  // Secrets exist where the binary runs, not where it is built: their files are only named.
  const config = loadConfig(undefined, () => "(read at run time)");
  const plan = compilePlan(config, permissionContext(), output);
  log.info("LaunchCompilePermissions", { output, includes: plan.includes, ...plan.permissions });
  return await runDeno(plan.args, SOURCE_ROOT);
}

/** Runs the launcher; returns the exit code of the launched command. */
export async function run(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  try {
    if (command === "compile") return await compile(rest);
    const derive = command === undefined ? undefined : DERIVATIONS[command];
    if (derive === undefined) {
      console.error(USAGE);
      return EXIT_USAGE;
    }
    const permissions = derive(rest);
    log.info("LaunchPermissions", { command, ...permissions });
    // The pipeline runs with its heap flags (pipeline_v8_flags.ts); the other commands need none.
    const v8 = command === "start" ? [v8FlagsArgument()] : [];
    return await runDeno([
      "run",
      ...v8,
      ...permissionFlags(permissions),
      MAIN,
      command ?? "",
      ...rest,
    ]);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return EXIT_USAGE;
  }
}
