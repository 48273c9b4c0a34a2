/**
 * `deno task start`: loads the configuration, starts the local dev broker when no Kafka brokers
 * are configured, prepares the geoip table, runs the pipeline with its control server and
 * crawler until SIGINT or SIGTERM, then drains, commits and exits within a deadline.
 */
import { Pipeline } from "../actors/pipeline/pipeline.ts";
import { loadConfig, redacted } from "../config/config.ts";
import { ensureToken } from "../control/control_token.ts";
import { serveControl } from "../control/control_server.ts";
import { getLogger } from "../observability/log.ts";
import { startDevBroker } from "../tools/kafka/kafka_command.ts";
import { controlHandlers } from "./control_handlers.ts";
import { startCrawler } from "./crawler_service.ts";
import { prepareGeoip } from "./geoip_table.ts";
import { ensureTopic } from "./kafka_topic.ts";
import { KafkaAccessError } from "./kafka_access.ts";
import { assertWritable } from "./permissions.ts";
import { ExportSchedule } from "./export_schedule.ts";
import { testFaults } from "./test_faults.ts";

const log = getLogger("main");
/** Time allowed to drain, commit and stop after a signal. */
const STOP_DEADLINE_MS = 30_000;

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
  const onInt = () => stopped.resolve("SIGINT");
  const onTerm = () => stopped.resolve("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  try {
    try {
      await ensureTopic(config);
    } catch (error) {
      if (!(error instanceof KafkaAccessError)) throw error;
      log.error(error.event, { reason: error.message });
      return error.exitCode;
    }
    const geoipTable = await prepareGeoip(config);
    const token = await ensureToken(config.control.token, config.dataDir);
    const pipeline = new Pipeline({ config, geoipTable, faults: testFaults() });
    await pipeline.start();
    const control = serveControl(config.control.port, token, controlHandlers(pipeline));
    const schedule = new ExportSchedule(pipeline, config.pipeline);
    const crawler = config.pipeline.crawl ? await startCrawler(pipeline) : undefined;
    log.info("PipelineStarted", { brokers: config.kafka.brokers, topic: config.kafka.topic });
    const signal = await stopped.promise;
    log.info("PipelineStopping", { signal, deadlineMs: STOP_DEADLINE_MS });
    schedule.stop();
    await crawler?.stop();
    await pipeline.stop(STOP_DEADLINE_MS);
    await control.shutdown();
  } finally {
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
    await broker?.stop();
  }
  log.info("PipelineStopped", {});
  return 0;
}
