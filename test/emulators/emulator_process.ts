/**
 * Test setup: runs one emulator process bound to 127.0.0.1, its output in a log file of a
 * temporary folder, waits until its HTTP endpoint answers, and kills it (removing the folder) on
 * `stop()` or, synchronously, when the test process unloads.
 */

/** How to start one emulator process. */
export interface EmulatorLaunch {
  /** Name for messages and the temporary folder. */
  readonly name: string;
  readonly binary: string;
  readonly args: readonly string[];
  /** Extra environment of the emulator process only. */
  readonly env?: Record<string, string>;
  /** A URL that answers 2xx once the emulator is ready. */
  readonly readyUrl: string;
  /** Give up waiting after this long (default 60 s). */
  readonly startTimeoutMs?: number;
}

/** A running emulator. */
export interface EmulatorProcess {
  readonly pid: number;
  /** Its log file (stdout and stderr). */
  readonly logFile: string;
  /** Milliseconds from spawn to ready. */
  readonly startMs: number;
  /** Kills the process and removes its folder; idempotent. */
  stop(): Promise<void>;
}

async function readTail(path: string): Promise<string> {
  try {
    return (await Deno.readTextFile(path)).slice(-2000);
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return "(no log)";
    throw error;
  }
}

async function answers(url: string): Promise<boolean> {
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
    await response.body?.cancel();
    return response.ok;
  } catch (error: unknown) {
    // Expected while the emulator is still starting: connection refused or timed out.
    if (error instanceof TypeError || error instanceof DOMException) return false;
    throw error;
  }
}

/** Starts the emulator and resolves once `readyUrl` answers. */
export async function startEmulator(launch: EmulatorLaunch): Promise<EmulatorProcess> {
  const dir = await Deno.makeTempDir({ prefix: `test-${launch.name}-` });
  const logFile = `${dir}/emulator.log`;
  const started = performance.now();
  // sh redirects the output to a file, so no pipe has to be drained while tests run.
  const child = new Deno.Command("sh", {
    args: ["-c", 'exec "$0" "$@" >"$LOG_FILE" 2>&1', launch.binary, ...launch.args],
    env: { ...launch.env, LOG_FILE: logFile },
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  child.unref();
  let exited = false;
  const status = child.status.then((s) => {
    exited = true;
    return s;
  });
  const kill = () => {
    if (exited) return;
    try {
      child.kill("SIGKILL");
    } catch (error: unknown) {
      // Expected when the process exited between the check and the kill.
      if (!(error instanceof TypeError)) throw error;
    }
  };
  const onUnload = () => {
    kill();
    Deno.removeSync(dir, { recursive: true });
  };
  globalThis.addEventListener("unload", onUnload);
  const stop = async () => {
    globalThis.removeEventListener("unload", onUnload);
    // Unreferenced so a suite's shared emulator never holds the test process open; a stop that
    // waits for the exit must hold the event loop until it comes.
    child.ref();
    kill();
    await status;
    await Deno.remove(dir, { recursive: true }).catch((error: unknown) => {
      if (!(error instanceof Deno.errors.NotFound)) throw error;
    });
  };
  const deadline = Date.now() + (launch.startTimeoutMs ?? 60_000);
  while (!await answers(launch.readyUrl)) {
    if (exited || Date.now() > deadline) {
      const why = exited ? `exited with ${(await status).code}` : "did not answer in time";
      const tail = await readTail(logFile);
      await stop();
      throw new Error(`Cannot start ${launch.name}: it ${why} at ${launch.readyUrl}: ${tail}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { pid: child.pid, logFile, startMs: Math.round(performance.now() - started), stop };
}
