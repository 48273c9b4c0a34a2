/**
 * `deno task export`: asks the running pipeline (its control server on CONTROL_HOST:CONTROL_PORT)
 * to export the staging generation to the lake, waits, and prints what was exported. Exits
 * non-zero with a clear message when no pipeline answers or the export fails.
 */
import { loadConfig } from "../config/config.ts";
import { controlClientHost, netAddress } from "../config/control_address.ts";
import { readToken, tokenFile } from "../control/control_token.ts";

/** Exit codes: 0 exported, 1 export failed, 3 no pipeline running. */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  let token: string | undefined;
  try {
    token = await readToken(config.control.token, config.dataDir);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    console.error(error.message); // a token file too short to use
    return 3;
  }
  const url = `http://${
    netAddress(controlClientHost(config.control.host), config.control.port)
  }/export`;
  if (token === undefined) {
    console.error(
      `No control token: set CONTROL_TOKEN or start the pipeline once (it writes ${
        tokenFile(config.dataDir)
      })`,
    );
    return 3;
  }
  let response: Response;
  try {
    response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${token}` } });
  } catch (error) {
    if (error instanceof TypeError) {
      console.error(
        `No pipeline answers on ${url}: start it with 'deno task start' (or set CONTROL_PORT)`,
      );
      return 3;
    }
    throw error;
  }
  const body: unknown = await response.json();
  if (!response.ok) {
    const message = typeof body === "object" && body !== null && "error" in body
      ? String(body.error)
      : JSON.stringify(body);
    console.error(`Export failed (HTTP ${response.status}): ${message}`);
    return 1;
  }
  console.log(JSON.stringify(body, null, 2));
  return 0;
}
