/**
 * Test setup: the BigQuery emulator (goccy/bigquery-emulator, pinned), built once into the
 * binary cache and started lazily once per test module (one suite) on free loopback ports. A
 * fresh process per suite keeps its ever-growing memory bounded; it stops when the module unloads.
 */

import { freePorts } from "../free_port.ts";
import { startEmulator } from "./emulator_process.ts";
import { ensureGoBinary, type GoCommand } from "./go_binary.ts";

/** The pinned emulator command. */
export const BIGQUERY_EMULATOR: GoCommand = {
  name: "bigquery-emulator",
  module: "github.com/goccy/bigquery-emulator",
  version: "v0.8.1",
  pkg: "cmd/bigquery-emulator",
  overrideEnv: "BIGQUERY_EMULATOR_BIN",
  // tables.patch adding NULLABLE or REPEATED fields changes only the stored metadata upstream;
  // BigQuery also adds the columns (old rows read NULL), which the writer's upgrade of an older
  // dataset relies on.
  patches: [new URL("./bigquery_emulator_add_columns.patch", import.meta.url)],
};

/** How tests reach the suite's emulator. */
export interface TestBigQuery {
  /** `http://127.0.0.1:<port>`, for the client's `apiEndpoint`. */
  readonly endpoint: string;
  readonly projectId: string;
  /** Milliseconds from spawn to ready. */
  readonly startMs: number;
  /** The emulator's process id (outage tests stop it with SIGSTOP). */
  readonly pid: number;
}

let shared: Promise<TestBigQuery> | undefined;

/** Keeps Google client libraries from looking for credentials off this machine. */
export function isolateFromGoogleCloud(): void {
  Deno.env.set("METADATA_SERVER_DETECTION", "none");
  Deno.env.delete("STORAGE_EMULATOR_HOST");
}

/** An emulator of one's own, stopped by `stop()`: for a suite whose tests each need a fresh one. */
export interface OwnBigQuery extends TestBigQuery {
  stop(): Promise<void>;
}

/**
 * A fresh emulator process (not the suite's shared one). The emulator slows down with every table
 * it has held, even dropped ones, so a suite of many heavy tests starts one per test.
 */
export async function startOwnBigQuery(): Promise<OwnBigQuery> {
  isolateFromGoogleCloud();
  const binary = await ensureGoBinary(BIGQUERY_EMULATOR);
  const [port, grpcPort] = freePorts(2) as [number, number];
  const projectId = "test-project";
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = await startEmulator({
    name: "bigquery-emulator",
    binary,
    args: [
      `--project=${projectId}`,
      "--host=127.0.0.1",
      `--port=${port}`,
      `--grpc-port=${grpcPort}`,
      "--log-level=error",
    ],
    readyUrl: `${endpoint}/bigquery/v2/projects/${projectId}/datasets`,
  });
  return {
    endpoint,
    projectId,
    startMs: emulator.startMs,
    pid: emulator.pid,
    stop: () => emulator.stop(),
  };
}

/** The suite's emulator, started on first use. */
export function testBigQuery(): Promise<TestBigQuery> {
  shared ??= startOwnBigQuery();
  return shared;
}
