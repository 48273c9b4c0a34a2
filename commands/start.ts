/**
 * `deno task start`: loads the configuration, starts the local dev broker when no Kafka brokers
 * are configured, runs the pipeline until SIGINT or SIGTERM, then drains and exits.
 */
import { loadConfig, redacted } from "../config/config.ts";
import { getLogger } from "../observability/log.ts";
import { startDevBroker } from "../tools/kafka/kafka_command.ts";
import { assertWritable } from "./permissions.ts";

const log = getLogger("main");

/** Runs until a signal; returns the exit code. */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  await assertWritable(config.dataDir, "DATA_DIR");
  log.info("PipelineConfigLoaded", { config: redacted(config) });
  const broker = config.kafka.localDevBroker
    ? await startDevBroker({
      dataDir: config.dataDir,
      plainPort: 9092,
      saslPort: 9094,
      controllerPort: 9093,
      username: "pipeline",
      heapMiB: 512,
    })
    : undefined;
  const stopped = Promise.withResolvers<string>();
  const onSignal = (signal: Deno.Signal) => () => stopped.resolve(signal);
  const onInt = onSignal("SIGINT");
  const onTerm = onSignal("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  log.info("PipelineStarted", { brokers: config.kafka.brokers, topic: config.kafka.topic });
  const signal = await stopped.promise;
  log.info("PipelineStopping", { signal });
  Deno.removeSignalListener("SIGINT", onInt);
  Deno.removeSignalListener("SIGTERM", onTerm);
  await broker?.stop();
  log.info("PipelineStopped", {});
  return 0;
}
