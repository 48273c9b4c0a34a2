/**
 * Test helper: runs the real pipeline (`main.ts start`) as a child process with its own data
 * directory and control port, waits until its control server answers, and can stop it with a
 * signal (SIGTERM to drain, SIGKILL to crash it). Output goes to a log file for failures.
 */
import { v8FlagsArgument } from "../commands/pipeline_v8_flags.ts";
import { freePorts } from "./free_port.ts";

/** How much of a process's log a failure shows. */
const LOG_TAIL_CHARS = 6_000;

/** A running pipeline process. */
export interface PipelineProcess {
  readonly pid: number;
  readonly controlPort: number;
  readonly token: string;
  readonly logFile: string;
  readonly exited: Promise<Deno.CommandStatus>;
  /** Sends a signal; resolves when the process has exited. */
  stop(signal: Deno.Signal): Promise<Deno.CommandStatus>;
  /**
   * Sends a signal and waits for the exit; throws, with the end of the process's log, when the
   * exit code is not `code` (a test failure that shows why the process ended as it did).
   */
  stopExpecting(signal: Deno.Signal, code: number): Promise<void>;
  /** GETs a control path with the token. */
  get(path: string): Promise<Response>;
}

/** How to run one pipeline process. */
export interface PipelineSpec {
  readonly dataDir: string;
  /** Extra environment (Kafka brokers, topic, batch sizes...). */
  readonly env: Record<string, string>;
  /** How long to wait for the control server. */
  readonly startTimeoutMs?: number;
  /** Let the pipeline use (or make) `<dataDir>/control-token` instead of passing CONTROL_TOKEN. */
  readonly tokenFromFile?: boolean;
  /**
   * A command the pipeline runs under, e.g. `["nsenter", "--target", pid, "--mount", "--"]` to
   * run it in another mount namespace; it must exec the pipeline (same pid, same signals).
   */
  readonly wrap?: readonly string[];
  /** Where the log file goes (default `dataDir`). */
  readonly logDir?: string;
  /**
   * Resolve once the pipeline runs (`/health` answers 200, the default), or once its control
   * server answers at all (`answering`: it may still be starting).
   */
  readonly until?: "running" | "answering";
}

/** Permissions the test pipeline runs with (those `deno task test` grants). */
export const PERMISSIONS = [
  "--allow-env",
  "--allow-sys",
  "--allow-read",
  "--allow-write",
  "--allow-net=127.0.0.1,localhost",
  "--allow-run",
  "--allow-ffi",
];

/** Starts `main.ts start` and resolves once `/health` answers 200 (or anything: `until`). */
export async function startPipeline(spec: PipelineSpec): Promise<PipelineProcess> {
  const [controlPort] = freePorts(1) as [number];
  let token: string = crypto.randomUUID();
  const logDir = spec.logDir ?? spec.dataDir;
  const logFile = `${logDir}/pipeline-${Date.now()}.log`;
  await Deno.mkdir(logDir, { recursive: true });
  // One handle per stream, each chunk written as it comes (so a test can read the log live:
  // `pipeTo` into a file's writable held everything back until the stream ended).
  const out = await Deno.open(logFile, { create: true, append: true });
  const err = await Deno.open(logFile, { create: true, append: true });
  const pump = async (from: ReadableStream<Uint8Array>, to: Deno.FsFile) => {
    try {
      for await (const chunk of from) {
        for (let at = 0; at < chunk.length;) at += await to.write(chunk.subarray(at));
      }
    } finally {
      to.close();
    }
  };
  const command = [
    Deno.execPath(),
    "run",
    // The heap flags `deno task start` runs the pipeline with, so tests and benches see its memory.
    v8FlagsArgument(),
    ...PERMISSIONS,
    new URL("../main.ts", import.meta.url).pathname,
    "start",
  ];
  const [program = "", ...args] = [...spec.wrap ?? [], ...command];
  const child = new Deno.Command(program, {
    args,
    env: {
      ...spec.env,
      DATA_DIR: spec.dataDir,
      CONTROL_PORT: String(controlPort),
      ...(spec.tokenFromFile === true ? {} : { CONTROL_TOKEN: token }),
      LOG_LEVEL: spec.env.LOG_LEVEL ?? "info",
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  const pumps = Promise.all([pump(child.stdout, out), pump(child.stderr, err)]);
  const exited = child.status.then(async (status) => {
    await pumps;
    return status;
  });
  let gone = false;
  exited.then(() => gone = true);
  const base = `http://127.0.0.1:${controlPort}`;
  const deadline = Date.now() + (spec.startTimeoutMs ?? 120_000);
  while (true) {
    if (gone) {
      const tail = (await Deno.readTextFile(logFile)).slice(-3000);
      throw new Error(`The pipeline exited before it answered (log ${logFile}):\n${tail}`);
    }
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      await exited;
      throw new Error(`The pipeline did not answer on ${base} in time (log ${logFile})`);
    }
    const answer = await fetch(`${base}/health`).then(
      async (r) => {
        await r.body?.cancel();
        return r.status;
      },
      (error: unknown) => {
        if (error instanceof TypeError) return 0; // Not listening yet.
        throw error;
      },
    );
    if (answer === 200 || (spec.until === "answering" && answer !== 0)) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  if (spec.tokenFromFile === true) {
    token = (await Deno.readTextFile(`${spec.dataDir}/control-token`)).trim();
  }
  const stop = async (signal: Deno.Signal) => {
    if (!gone) child.kill(signal);
    return await exited;
  };
  return {
    pid: child.pid,
    controlPort,
    token,
    logFile,
    exited,
    stop,
    async stopExpecting(signal, code) {
      const status = await stop(signal);
      if (status.code === code) return;
      const tail = (await Deno.readTextFile(logFile)).slice(-LOG_TAIL_CHARS);
      throw new Error(
        `The pipeline exited with ${status.code} (signal ${status.signal}) after ${signal}, ` +
          `expected ${code}; the end of its log ${logFile}:\n${tail}`,
      );
    },
    get: (path) => fetch(`${base}${path}`, { headers: { authorization: `Bearer ${token}` } }),
  };
}

/** How a pipeline process that was expected to fail at start ended. */
export interface FailedStart {
  readonly code: number;
  /** Everything it wrote on stdout and stderr. */
  readonly output: string;
}

/** Runs `main.ts start` until it exits by itself (a start-up failure) and returns its output. */
export async function runPipelineToExit(spec: PipelineSpec): Promise<FailedStart> {
  const [controlPort] = freePorts(1) as [number];
  await Deno.mkdir(spec.dataDir, { recursive: true });
  const output = await new Deno.Command(Deno.execPath(), {
    args: ["run", ...PERMISSIONS, new URL("../main.ts", import.meta.url).pathname, "start"],
    env: {
      ...spec.env,
      DATA_DIR: spec.dataDir,
      CONTROL_PORT: String(controlPort),
      CONTROL_TOKEN: crypto.randomUUID(),
    },
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
  }).output();
  const text = new TextDecoder();
  return { code: output.code, output: text.decode(output.stdout) + text.decode(output.stderr) };
}
