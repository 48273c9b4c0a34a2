/**
 * The User-Agent strings of uap-core's own test files (tests/*.yaml and test_resources/*.yaml),
 * for the parity test. npm's uap-core package ships no tests; the `ua-parser` crate (uap-rust)
 * 0.2.2 ships uap-core's tree from just after its 0.18.0 release, so cargo fetches it (into its
 * own cache, ~/.cargo) through the manifest in `uap_core_tests/`, never building it.
 */

// @ts-types="@types/js-yaml"
import { load } from "js-yaml";

/** One test file's strings. */
export interface UapCoreTestFile {
  /** Path inside uap-core, e.g. "tests/test_device.yaml". */
  readonly name: string;
  readonly agents: readonly string[];
}

/** cargo is not installed: callers may leave these files out, saying so. */
export class CargoMissingError extends Error {
  constructor(cause: unknown) {
    super("Cannot fetch uap-core's test files: cargo is not runnable; install Rust (rustup)", {
      cause,
    });
    this.name = "CargoMissingError";
  }
}

const MANIFEST = new URL("./uap_core_tests/Cargo.toml", import.meta.url).pathname;
const CRATE = { name: "ua-parser", version: "0.2.2" };

/** Where cargo unpacked the crate: its manifest's folder. */
async function crateDir(): Promise<string> {
  let output: Deno.CommandOutput;
  try {
    output = await new Deno.Command("cargo", {
      args: ["metadata", "--format-version", "1", "--locked", "--manifest-path", MANIFEST],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) throw new CargoMissingError(error);
    throw error;
  }
  if (!output.success) {
    const tail = new TextDecoder().decode(output.stderr).trim().split("\n").slice(-10).join("\n");
    throw new Error(
      `Cannot fetch the ${CRATE.name} crate with cargo (exit ${output.code}); is crates.io ` +
        `reachable?\n${tail}`,
    );
  }
  const metadata: unknown = JSON.parse(new TextDecoder().decode(output.stdout));
  const packages = typeof metadata === "object" && metadata !== null && "packages" in metadata
    ? metadata.packages
    : undefined;
  for (const p of Array.isArray(packages) ? packages : []) {
    if (
      typeof p === "object" && p !== null && "name" in p && p.name === CRATE.name &&
      "version" in p && p.version === CRATE.version && "manifest_path" in p &&
      typeof p.manifest_path === "string"
    ) {
      return p.manifest_path.replace(/\/Cargo\.toml$/, "");
    }
  }
  throw new Error(`cargo metadata for ${MANIFEST} lists no ${CRATE.name} ${CRATE.version}`);
}

/** The `user_agent_string` values of one uap-core test file. */
function agentsOf(name: string, text: string): string[] {
  const doc: unknown = load(text);
  const cases = typeof doc === "object" && doc !== null && "test_cases" in doc
    ? doc.test_cases
    : undefined;
  if (!Array.isArray(cases)) throw new TypeError(`uap-core ${name} has no test_cases list`);
  const agents: string[] = [];
  for (const c of cases) {
    if (typeof c === "object" && c !== null && "user_agent_string" in c) {
      const ua: unknown = c.user_agent_string;
      if (typeof ua === "string") agents.push(ua);
    }
  }
  return agents;
}

/** Every test file of uap-core with its strings, in name order. */
export async function uapCoreTestFiles(): Promise<UapCoreTestFile[]> {
  const root = `${await crateDir()}/uap-core`;
  const files: UapCoreTestFile[] = [];
  for (const folder of ["tests", "test_resources"]) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(`${root}/${folder}`)) {
      if (entry.isFile && entry.name.endsWith(".yaml")) names.push(entry.name);
    }
    for (const file of names.sort()) {
      const name = `${folder}/${file}`;
      files.push({ name, agents: agentsOf(name, await Deno.readTextFile(`${root}/${name}`)) });
    }
  }
  return files;
}
