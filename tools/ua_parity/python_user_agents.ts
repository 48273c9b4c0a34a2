/**
 * The original's user-agent fields from Python `user-agents` itself: one Python process
 * (`parse_user_agents.py`, in the pinned venv of `requirements.txt`) over a whole list of strings,
 * JSON in and out, checked on the way back.
 */

import { ensurePythonEnv } from "../python/python_env.ts";

/** The 12 fields in the original's order (see `ORIGINAL_FIELDS`). */
export type OriginalFields = readonly (string | boolean | null)[];

/** The original's field names, in its column order. */
export const ORIGINAL_FIELDS = [
  "browser_family",
  "browser_version",
  "os_family",
  "os_version",
  "device_family",
  "device_brand",
  "device_model",
  "is_mobile",
  "is_tablet",
  "is_touch_capable",
  "is_pc",
  "is_bot",
] as const;

/** What Python gave for one string: its fields, or the error the package raised. */
export type PythonResult = { readonly fields: OriginalFields } | { readonly error: string };

const REQUIREMENTS = new URL("./requirements.txt", import.meta.url).pathname;
const SCRIPT = new URL("./parse_user_agents.py", import.meta.url).pathname;

function checked(entry: unknown, index: number): PythonResult {
  if (
    Array.isArray(entry) && entry.length === ORIGINAL_FIELDS.length &&
    entry.every((v) => v === null || typeof v === "string" || typeof v === "boolean")
  ) {
    return { fields: entry };
  }
  if (typeof entry === "object" && entry !== null && "error" in entry) {
    return { error: String(entry.error) };
  }
  throw new TypeError(
    `parse_user_agents.py answered entry ${index} with ${JSON.stringify(entry)}, ` +
      `not ${ORIGINAL_FIELDS.length} fields or an error`,
  );
}

/** Runs parse_user_agents.py with `args`, `input` as JSON on stdin; its JSON answer. */
async function runScript(args: string[], input: unknown): Promise<unknown> {
  const env = await ensurePythonEnv("ua-parity", REQUIREMENTS);
  const child = new Deno.Command(env.python, {
    args: [SCRIPT, ...args],
    stdin: "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const writer = child.stdin.getWriter();
  await writer.write(new TextEncoder().encode(JSON.stringify(input)));
  await writer.close();
  const output = await child.output();
  if (!output.success) {
    const tail = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-10).join("\n");
    throw new Error(
      `parse_user_agents.py ${args.join(" ")} failed (exit ${output.code}):\n${tail}`,
    );
  }
  return JSON.parse(new TextDecoder().decode(output.stdout));
}

async function parseSlice(agents: readonly string[]): Promise<PythonResult[]> {
  const answer = await runScript([], agents);
  if (!Array.isArray(answer) || answer.length !== agents.length) {
    throw new TypeError(
      `parse_user_agents.py answered ${Array.isArray(answer) ? answer.length : typeof answer} ` +
        `entries for ${agents.length} strings`,
    );
  }
  return answer.map(checked);
}

/**
 * Parses `agents` with the pinned Python package, in `processes` Python processes at once
 * (creating the venv on first use; throws `PythonMissingError` where there is no Python).
 */
export async function pythonUserAgents(
  agents: readonly string[],
  processes = 2,
): Promise<PythonResult[]> {
  await ensurePythonEnv("ua-parity", REQUIREMENTS);
  const size = Math.ceil(agents.length / processes);
  const slices = Array.from(
    { length: processes },
    (_, i) => agents.slice(i * size, (i + 1) * size),
  );
  return (await Promise.all(slices.map(parseSlice))).flat();
}

/** The uap-core rules Python's ua-parser bundles, in regexes.yaml's shape. */
export function pythonUapRules(): Promise<unknown> {
  return runScript(["--rules"], null);
}
