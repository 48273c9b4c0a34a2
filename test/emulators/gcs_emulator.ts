/**
 * Test setup: the Cloud Storage emulator (fsouza/fake-gcs-server, pinned), built once into the
 * binary cache and started lazily once per test module on a free loopback port, in memory, over
 * plain HTTP. Clients reach it through `apiEndpoint`, never through STORAGE_EMULATOR_HOST.
 */

import { freePorts } from "../free_port.ts";
import { isolateFromGoogleCloud } from "./bigquery_emulator.ts";
import { startEmulator } from "./emulator_process.ts";
import { ensureGoBinary, type GoCommand } from "./go_binary.ts";

/** The pinned emulator command. */
export const FAKE_GCS_SERVER: GoCommand = {
  name: "fake-gcs-server",
  module: "github.com/fsouza/fake-gcs-server",
  version: "v1.55.1",
  pkg: ".",
  overrideEnv: "FAKE_GCS_SERVER_BIN",
};

/** How tests reach the suite's storage emulator. */
export interface TestStorage {
  /** `http://127.0.0.1:<port>`, for the client's `apiEndpoint`. */
  readonly endpoint: string;
  readonly projectId: string;
  /** Milliseconds from spawn to ready. */
  readonly startMs: number;
}

let shared: Promise<TestStorage> | undefined;

async function startOwn(): Promise<TestStorage> {
  isolateFromGoogleCloud();
  const binary = await ensureGoBinary(FAKE_GCS_SERVER);
  const [port] = freePorts(1) as [number];
  const endpoint = `http://127.0.0.1:${port}`;
  const emulator = await startEmulator({
    name: "fake-gcs-server",
    binary,
    args: [
      "-scheme",
      "http",
      "-host",
      "127.0.0.1",
      "-port",
      String(port),
      "-backend",
      "memory",
      "-external-url",
      endpoint,
      "-log-level",
      "error",
    ],
    readyUrl: `${endpoint}/storage/v1/b`,
  });
  return { endpoint, projectId: "test-project", startMs: emulator.startMs };
}

/** The suite's storage emulator, started on first use. */
export function testStorage(): Promise<TestStorage> {
  shared ??= startOwn();
  return shared;
}
