/**
 * Test helper: Debian's headless Chromium driven by puppeteer-core. Installs the package with
 * the project's script when it is missing (apt-get, as root; apt caches it), then launches it
 * with no network side-channels, no GPU and a fresh empty profile that is removed on close.
 */
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser } from "puppeteer-core";

/** Where Debian installs the browser. */
export const CHROMIUM = "/usr/bin/chromium";

const INSTALL = fileURLToPath(new URL("../../tools/chromium/install_chromium.sh", import.meta.url));

async function exists(path: string): Promise<boolean> {
  try {
    await Deno.stat(path);
    return true;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw error;
  }
}

/** Installs Chromium with the project's script when missing; returns its path. */
export async function ensureChromium(): Promise<string> {
  if (await exists(CHROMIUM)) return CHROMIUM;
  const out = await new Deno.Command("sh", { args: [INSTALL], stdout: "piped", stderr: "piped" })
    .output();
  if (!out.success || !await exists(CHROMIUM)) {
    throw new Error(
      `Cannot install chromium with ${INSTALL} (exit ${out.code}): ${
        new TextDecoder().decode(out.stderr).trim()
      }`,
    );
  }
  return CHROMIUM;
}

/** A launched headless browser and the way to close it (removing its profile). */
export interface TestBrowser {
  readonly browser: Browser;
  close(): Promise<void>;
}

/** Launches headless Chromium with an empty profile. */
export async function launchChromium(): Promise<TestBrowser> {
  const executablePath = await ensureChromium();
  const profile = await Deno.makeTempDir({ prefix: "chromium-profile-" });
  const browser = await puppeteer.launch({
    executablePath,
    headless: true,
    pipe: true,
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--disable-dev-shm-usage",
      `--user-data-dir=${profile}`,
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
      await Deno.remove(profile, { recursive: true });
    },
  };
}
