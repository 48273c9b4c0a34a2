/**
 * `deno task kafka`: runs the local dev broker in the foreground until SIGINT or SIGTERM.
 * Ports, SASL user and heap come from flags; the SASL password from `KAFKA_SASL_PASSWORD`, or is
 * generated once into `<DATA_DIR>/kafka/sasl-password` (never printed).
 */
import { parseArgs } from "node:util";
import { getLogger } from "../../observability/log.ts";
import { type Broker, startBroker } from "./kafka_broker.ts";

const log = getLogger("kafka");

async function devPassword(dir: string): Promise<string> {
  const fromEnv = Deno.env.get("KAFKA_SASL_PASSWORD");
  if (fromEnv) return fromEnv;
  const file = `${dir}/sasl-password`;
  try {
    return (await Deno.readTextFile(file)).trim();
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  const password = crypto.randomUUID();
  await Deno.mkdir(dir, { recursive: true });
  await Deno.writeTextFile(file, password + "\n", { mode: 0o600 });
  return password;
}

/** Options of the dev broker as the operator gives them. */
export interface DevBrokerFlags {
  dataDir: string;
  plainPort: number;
  saslPort: number;
  controllerPort: number;
  username: string;
  heapMiB: number;
}

/** Starts the dev broker under `<dataDir>/kafka` (shared by `kafka` and `start`). */
export async function startDevBroker(flags: DevBrokerFlags): Promise<Broker> {
  const dir = `${flags.dataDir}/kafka`;
  const broker = await startBroker({
    dataDir: dir,
    plainPort: flags.plainPort,
    saslPort: flags.saslPort,
    controllerPort: flags.controllerPort,
    saslUsername: flags.username,
    saslPassword: await devPassword(dir),
    defaultPartitions: 6,
    heapMiB: flags.heapMiB,
    startTimeoutMs: 120_000,
  });
  log.info("KafkaBrokerAnswered", {
    plaintext: broker.plainBootstrap,
    sasl: broker.saslBootstrap,
    saslUser: flags.username,
    saslPasswordFile: Deno.env.get("KAFKA_SASL_PASSWORD") ? "(from env)" : `${dir}/sasl-password`,
    log: broker.logFile,
  });
  return broker;
}

function port(text: string | undefined, fallback: number, name: string): number {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1 || n > 65535) {
    throw new RangeError(`--${name} must be a port 1-65535, got ${JSON.stringify(text)}`);
  }
  return n;
}

/** The broker's flags (`--data-dir`, `--port`, ...), with DATA_DIR and the defaults. */
export function parseDevBrokerFlags(args: string[]): DevBrokerFlags {
  const { values } = parseArgs({
    args: args.filter((arg) => arg !== "--"),
    options: {
      "data-dir": { type: "string" },
      "port": { type: "string" },
      "sasl-port": { type: "string" },
      "controller-port": { type: "string" },
      "user": { type: "string" },
      "heap-mb": { type: "string" },
    },
  });
  return {
    dataDir: values["data-dir"] ?? Deno.env.get("DATA_DIR") ?? "data",
    plainPort: port(values.port, 9092, "port"),
    saslPort: port(values["sasl-port"], 9094, "sasl-port"),
    controllerPort: port(values["controller-port"], 9093, "controller-port"),
    username: values.user ?? Deno.env.get("KAFKA_SASL_USERNAME") ?? "pipeline",
    heapMiB: port(values["heap-mb"], 512, "heap-mb"),
  };
}

/** Runs the broker until a signal; returns the exit code. */
export async function run(args: string[]): Promise<number> {
  const broker = await startDevBroker(parseDevBrokerFlags(args));
  const stop = () => {
    log.info("KafkaBrokerStopping", {});
    broker.stop().then(() => log.info("KafkaBrokerStopped", {}), (error: unknown) => {
      log.error("KafkaBrokerStopFailed", { error });
    });
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  const status = await broker.exited;
  Deno.removeSignalListener("SIGINT", stop);
  Deno.removeSignalListener("SIGTERM", stop);
  return status.success || status.signal === "SIGTERM" ? 0 : status.code || 1;
}
