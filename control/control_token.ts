/**
 * The control server's bearer token: `CONTROL_TOKEN` when configured, otherwise generated once
 * into `<DATA_DIR>/control-token` (mode 0600) and read from there by `deno task export`.
 */

/** Path of the generated token file. */
export function tokenFile(dataDir: string): string {
  return `${dataDir}/control-token`;
}

/** Returns the configured token, or the one in the data directory (creating it when missing). */
export async function ensureToken(
  configured: string | undefined,
  dataDir: string,
): Promise<string> {
  if (configured !== undefined) return configured;
  const existing = await readToken(undefined, dataDir);
  if (existing !== undefined) return existing;
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  const token = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  await Deno.mkdir(dataDir, { recursive: true });
  await Deno.writeTextFile(tokenFile(dataDir), token + "\n", { mode: 0o600 });
  return token;
}

/** Returns the configured token or the one in the data directory; undefined when neither exists. */
export async function readToken(
  configured: string | undefined,
  dataDir: string,
): Promise<string | undefined> {
  if (configured !== undefined) return configured;
  try {
    return (await Deno.readTextFile(tokenFile(dataDir))).trim();
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw error;
  }
}
