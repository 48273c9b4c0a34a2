/**
 * `deno task vendor-charts`: fetches the pinned Chart.js with npm (`npm pack`, which checks the
 * registry's integrity hash) and copies its UMD build and licence into `dashboards/assets/`, so
 * the dashboards serve the library themselves (no CDN at run time). The copy is committed;
 * `vendored_charts_test.ts` checks it is still the pinned file.
 */
import { fileURLToPath } from "node:url";

/** The pinned Chart.js release and the SHA-256 of its `dist/chart.umd.min.js`. */
export const CHART_JS = {
  version: "4.6.1",
  file: "chart.umd.min.js",
  sha256: "87364cc2b2a76a6684929e7d6b80b18a897794db38400caff1fcf1791c6925d2",
} as const;

/** Where the vendored assets live. */
export const ASSETS_DIR = fileURLToPath(new URL("../../dashboards/assets", import.meta.url));

/** SHA-256 hex of a file's bytes. */
export async function sha256File(path: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", await Deno.readFile(path));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function sh(command: string, args: string[], cwd: string): Promise<string> {
  const out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success) {
    throw new Error(
      `${command} ${args.join(" ")} failed (exit ${out.code}): ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  return new TextDecoder().decode(out.stdout).trim();
}

/** Vendors the pinned Chart.js; exit 1 when the package's file is not the pinned one. */
export async function run(_args: string[]): Promise<number> {
  const scratch = await Deno.makeTempDir({ prefix: "vendor-charts-" });
  try {
    const tarball = await sh("npm", ["pack", `chart.js@${CHART_JS.version}`, "--silent"], scratch);
    await sh("tar", ["xzf", tarball], scratch);
    const file = `${scratch}/package/dist/${CHART_JS.file}`;
    const actual = await sha256File(file);
    if (actual !== CHART_JS.sha256) {
      console.error(
        `chart.js@${CHART_JS.version} ${CHART_JS.file} has SHA-256 ${actual}, not the pinned ` +
          `${CHART_JS.sha256}: check the release, then update CHART_JS in this file`,
      );
      return 1;
    }
    await Deno.copyFile(file, `${ASSETS_DIR}/${CHART_JS.file}`);
    await Deno.copyFile(`${scratch}/package/LICENSE.md`, `${ASSETS_DIR}/chart.js.LICENSE.md`);
    console.log(`vendored chart.js@${CHART_JS.version} into ${ASSETS_DIR}`);
    return 0;
  } finally {
    await Deno.remove(scratch, { recursive: true });
  }
}

if (import.meta.main) Deno.exit(await run(Deno.args));
