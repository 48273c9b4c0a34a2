/**
 * The control server's bearer token: `CONTROL_TOKEN` when configured, otherwise generated once
 * into `<DATA_DIR>/control-token` (mode 0600, written atomically) and read from there by
 * `deno task export`. A token shorter than `MIN_TOKEN_CHARS` is never used: a short or empty
 * file (what a full disk or a crash during the first start leaves) is replaced at start.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import { writeFileAtomic } from "../files/durable_file.ts";
import { getLogger } from "../observability/log.ts";

const log = getLogger("control");

/** Fewest characters a token may have (the generated ones have 48). */
export const MIN_TOKEN_CHARS = 32;

/** Path of the generated token file. */
export function tokenFile(dataDir: string): string {
  return `${dataDir}/control-token`;
}

/** A new random token: 24 bytes as 48 hex characters. */
function generate(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The token in the file, or why there is none to use. */
async function fromFile(
  dataDir: string,
): Promise<{ token: string } | { missing: true } | { short: number }> {
  let text: string;
  try {
    text = (await Deno.readTextFile(tokenFile(dataDir))).trim();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return { missing: true };
    throw error;
  }
  return text.length < MIN_TOKEN_CHARS ? { short: text.length } : { token: text };
}

/**
 * Returns the configured token, or the one in the data directory: created when missing,
 * replaced when shorter than `MIN_TOKEN_CHARS`, and kept at mode 0600.
 */
export async function ensureToken(
  configured: string | undefined,
  dataDir: string,
): Promise<string> {
  if (configured !== undefined) return configured;
  const found = await fromFile(dataDir);
  if ("token" in found) {
    await Deno.chmod(tokenFile(dataDir), 0o600);
    return found.token;
  }
  if ("short" in found) {
    log.warn("ControlTokenReplaced", {
      path: tokenFile(dataDir),
      reason: `the file holds ${found.short} characters, fewer than ${MIN_TOKEN_CHARS} ` +
        "(a full disk or a crash during an earlier start)",
    });
  }
  const token = generate();
  await writeFileAtomic(tokenFile(dataDir), token + "\n", 0o600);
  return token;
}

/**
 * Returns the configured token or the one in the data directory; undefined when neither exists.
 * Throws `RangeError` for a file holding fewer than `MIN_TOKEN_CHARS` characters.
 */
export async function readToken(
  configured: string | undefined,
  dataDir: string,
): Promise<string | undefined> {
  if (configured !== undefined) return configured;
  const found = await fromFile(dataDir);
  if ("short" in found) {
    throw new RangeError(
      `${tokenFile(dataDir)} holds ${found.short} characters, fewer than ${MIN_TOKEN_CHARS}: ` +
        "start the pipeline to replace it, or set CONTROL_TOKEN",
    );
  }
  return "token" in found ? found.token : undefined;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest();

/**
 * Whether `given` equals `expected`, in time that depends on neither their contents nor their
 * lengths: both are hashed to 32 bytes first, then compared in constant time.
 */
export function tokenMatches(given: string, expected: string): boolean {
  return timingSafeEqual(sha256(given), sha256(expected)) && expected.length >= MIN_TOKEN_CHARS;
}
