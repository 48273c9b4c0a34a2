/**
 * Project-local Python virtual environments for the parts whose ecosystem is Python (dbt models,
 * the user-agent parity test): one per pinned requirements file, created on first use under the
 * tool cache (`~/.cache/clickstream-lakehouse/venv/`), reused while the pins are unchanged, and
 * safe to ask for from several processes at once (a file lock serialises the creation).
 */
import { createHash } from "node:crypto";
import { cacheRoot } from "../kafka/kafka_dist.ts";
import { getLogger } from "../../observability/log.ts";

const log = getLogger("python");

/** A ready virtual environment. */
export interface PythonEnv {
  /** The environment's folder. */
  readonly dir: string;
  /** Its Python interpreter. */
  readonly python: string;
}

/** Where and how to create an environment. */
export interface PythonEnvOptions {
  /** Folder holding the environments (default: the tool cache's `venv/`). */
  readonly root?: string;
  /** Interpreter that creates it (default: `PYTHON`, else `python3`). */
  readonly python?: string;
}

/** No Python interpreter to create the environment with: callers may skip with this reason. */
export class PythonMissingError extends Error {
  constructor(python: string, cause: unknown) {
    super(
      `Cannot create a Python environment: "${python}" is not runnable; install Python 3.11+ ` +
        `or set PYTHON to an interpreter`,
      { cause },
    );
    this.name = "PythonMissingError";
  }
}

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/**
 * The folder of environment `name` for the pins `pins` under `root`: the name and a hash of the
 * pins (so the permission derivation can name it before it exists).
 */
export function pythonEnvDir(root: string, name: string, pins: string): string {
  return `${root}/${name}-${createHash("sha256").update(pins, "utf8").digest("hex").slice(0, 12)}`;
}

async function runChecked(command: string, args: string[], what: string): Promise<void> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command(command, { args, stdout: "piped", stderr: "piped" }).output();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) throw new PythonMissingError(command, error);
    throw error;
  }
  if (!output.success) {
    const tail = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-15).join("\n");
    throw new Error(`Cannot ${what} (exit ${output.code}); is PyPI reachable?\n${tail}`);
  }
}

/**
 * Returns the environment `name` with the pins of `requirementsFile` installed, creating it when
 * missing. The folder name carries a hash of the pins, so changing a pin makes a new one.
 */
export async function ensurePythonEnv(
  name: string,
  requirementsFile: string,
  options: PythonEnvOptions = {},
): Promise<PythonEnv> {
  const pins = await Deno.readTextFile(requirementsFile);
  const root = options.root ?? `${cacheRoot()}/venv`;
  const dir = pythonEnvDir(root, name, pins);
  const env: PythonEnv = { dir, python: `${dir}/bin/python` };
  const complete = `${dir}/.complete`;
  if (await exists(complete)) return env;
  await Deno.mkdir(root, { recursive: true });
  const lock = await Deno.open(`${root}/${name}.lock`, { create: true, write: true });
  try {
    await lock.lock(true);
    if (await exists(complete)) return env;
    await Deno.remove(dir, { recursive: true }).catch((error: unknown) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
    const python = options.python ?? Deno.env.get("PYTHON") ?? "python3";
    log.info("PythonEnvCreating", { name, dir, requirements: requirementsFile });
    await runChecked(python, ["-m", "venv", dir], `create the virtual environment ${dir}`);
    await runChecked(
      env.python,
      [
        "-m",
        "pip",
        "install",
        "--disable-pip-version-check",
        "--no-input",
        "-q",
        "-r",
        requirementsFile,
      ],
      `install ${requirementsFile} into ${dir}`,
    );
    await Deno.writeTextFile(complete, pins);
    log.info("PythonEnvReady", { name, dir });
    return env;
  } finally {
    await lock.unlock();
    lock.close();
  }
}
