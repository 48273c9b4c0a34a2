/**
 * Test setup: builds a pinned Go command once and caches it outside the repository
 * (`~/.cache/clickstream-lakehouse/bin/<name>-<version>[-<patches>]/<name>`); later runs reuse
 * the binary. The build fetches the exact module version and builds it with its own go.mod, like
 * `go install`, after applying the repository's patches to a copy of the source, if any.
 */

import { getLogger } from "../../observability/log.ts";

/** A pinned Go command to build. */
export interface GoCommand {
  /** Binary name, also the cache folder prefix. */
  readonly name: string;
  /** Module path, e.g. `github.com/goccy/bigquery-emulator`. */
  readonly module: string;
  /** Exact version tag, e.g. `v0.8.1`. */
  readonly version: string;
  /** Package of the command inside the module, `.` for the module root. */
  readonly pkg: string;
  /** Environment variable that may point at a prebuilt binary instead. */
  readonly overrideEnv: string;
  /** Unified diffs applied (`patch -p1`) to the module's source before it is built. */
  readonly patches?: readonly URL[];
}

const log = getLogger("test");

/** The cache root for built emulator binaries. */
export function binaryCacheDir(): string {
  const home = Deno.env.get("HOME") ?? "/tmp";
  const xdg = Deno.env.get("XDG_CACHE_HOME") ?? `${home}/.cache`;
  return `${xdg}/clickstream-lakehouse/bin`;
}

async function exists(path: string): Promise<boolean> {
  try {
    return (await Deno.stat(path)).isFile;
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Runs `command`; throws with its output when it fails. */
async function run(command: string, args: string[], cwd?: string): Promise<void> {
  const output = await new Deno.Command(command, {
    args,
    ...(cwd === undefined ? {} : { cwd }),
    stdout: "piped",
    stderr: "piped",
  }).output();
  if (!output.success) {
    const text = new TextDecoder().decode(output.stderr) + new TextDecoder().decode(output.stdout);
    throw new Error(`Cannot run ${command} ${args.join(" ")}: ${text.slice(-3000)}`);
  }
}

/** A short hash of the patches' contents, naming the patched build (empty without patches). */
async function patchesTag(spec: GoCommand): Promise<string> {
  if (spec.patches === undefined || spec.patches.length === 0) return "";
  const texts = await Promise.all(spec.patches.map((url) => Deno.readTextFile(url)));
  const digest = await crypto.subtle.digest(
    "SHA-256",
    new TextEncoder().encode(texts.join("\u0000")),
  );
  const hex = Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
  return `-p${hex.slice(0, 12)}`;
}

async function go(args: string[], cwd?: string): Promise<string> {
  const output = await new Deno.Command("go", {
    args,
    ...(cwd === undefined ? {} : { cwd }),
    // -mod=readonly: build exactly what the module's go.mod and go.sum pin.
    env: { GOFLAGS: "-mod=readonly -buildvcs=false" },
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
  if (!output.success) {
    throw new Error(`Cannot run go ${args.join(" ")}: ${text(output.stderr).slice(-3000)}`);
  }
  return text(output.stdout);
}

/** Reads `Dir` from `go mod download -json` without trusting its shape. */
function moduleDir(json: string, spec: GoCommand): string {
  const parsed: unknown = JSON.parse(json);
  if (typeof parsed === "object" && parsed !== null && "Dir" in parsed) {
    const dir = parsed.Dir;
    if (typeof dir === "string") return dir;
  }
  throw new TypeError(`go mod download ${spec.module}@${spec.version} reported no Dir: ${json}`);
}

/**
 * Returns the path of the cached binary, building it on first use.
 *
 * `go install module/cmd@version` is not used: it asks the module proxy for the version list to
 * check deprecation, and the registry mirror here answers that list with 403 for some modules.
 * Downloading the exact version and building in its folder uses the same go.mod and go.sum.
 */
export async function ensureGoBinary(spec: GoCommand): Promise<string> {
  const override = Deno.env.get(spec.overrideEnv);
  if (override) return override;
  const dir = `${binaryCacheDir()}/${spec.name}-${spec.version}${await patchesTag(spec)}`;
  const binary = `${dir}/${spec.name}`;
  if (await exists(binary)) return binary;
  const started = performance.now();
  log.info("TestEmulatorBuildStarted", { name: spec.name, version: spec.version });
  const source = moduleDir(
    await go(["mod", "download", "-json", `${spec.module}@${spec.version}`]),
    spec,
  );
  await Deno.mkdir(dir, { recursive: true });
  // Build to a unique name and rename: a concurrent build never leaves a half-written binary.
  const unique = crypto.randomUUID().slice(0, 8);
  const partial = `${binary}.${unique}.partial`;
  // The module cache is read-only: patches are applied to a copy of the source.
  const patched = spec.patches?.length ? `${dir}/source.${unique}` : undefined;
  if (patched !== undefined) {
    await run("cp", ["-R", source, patched]);
    await run("chmod", ["-R", "u+w", patched]);
    for (const patch of spec.patches ?? []) {
      // git is there wherever the repository was cloned; `patch` may not be.
      await run("git", ["apply", "-p1", patch.pathname], patched);
    }
  }
  try {
    await go(
      ["build", "-trimpath", "-o", partial, `./${spec.pkg}`.replace(/\/\.$/, "")],
      patched ?? source,
    );
  } finally {
    if (patched !== undefined) await Deno.remove(patched, { recursive: true });
  }
  await Deno.rename(partial, binary);
  log.info("TestEmulatorBuildFinished", {
    name: spec.name,
    seconds: Math.round((performance.now() - started) / 1000),
  });
  return binary;
}
