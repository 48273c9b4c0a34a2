/**
 * `deno task start`: loads the configuration, checks that this process holds every permission it
 * needs (the task's launcher grants exactly those), locks DATA_DIR, starts the control server
 * (answering "starting: ..." until the pipeline runs), starts the local dev broker when no Kafka
 * brokers are configured, checks Kafka access, prepares the geoip table, runs the pipeline and
 * its crawler until SIGINT or SIGTERM, then drains, commits and exits within `STOP_DEADLINE_MS`;
 * a second signal exits at once (nothing uncommitted is lost: it is re-read at the next start).
 * Exit codes: commands/exit_codes.ts.
 */
import { Pipeline } from "../pipeline/pipeline.ts";
import { loadConfig, redacted } from "../config/config.ts";
import { ensureToken } from "../control/control_token.ts";
import { servePipelineControl } from "../control/control_server.ts";
import { DataDirInUseError, lockDataDir, makePrivate } from "../files/data_dir.ts";
import { getLogger } from "../observability/log.ts";
import { dumpHeapOnSignal } from "../observability/heap_dump.ts";
import { startDevBroker } from "../tools/kafka/kafka_command.ts";
import { controlHandlers } from "./control_handlers.ts";
import { type ModelsService, startModelsService } from "./models_service.ts";
import { type OperatorStatus, operatorStatus } from "./operator_status.ts";
import { StartingControl } from "./starting_control.ts";
import { dashboardsFor } from "../dashboards/dashboards_handler.ts";
import { prepareGeoip } from "./geoip_table.ts";
import { ensureTopic } from "./kafka_topic.ts";
import { KafkaAccessError } from "./kafka_access.ts";
import { missingPermissions, permissionContext } from "./permissions.ts";
import { startPermissions } from "../config/command_permissions.ts";
import { EXIT_DATA_DIR_IN_USE, EXIT_INTERRUPTED, EXIT_PERMISSIONS } from "./exit_codes.ts";
import { ExportSchedule } from "./export_schedule.ts";
import { testFaults } from "../pipeline/test_faults.ts";
import { applyMmapThreshold } from "./malloc_mmap_threshold.ts";

const log = getLogger("main");

/** Runs until a signal; returns the exit code. */
export async function run(_args: string[]): Promise<number> {
  const config = loadConfig();
  const missing = await missingPermissions(startPermissions(config, permissionContext()));
  if (missing.length > 0) {
    log.error("PipelinePermissionsMissing", {
      missing,
      hint: "start it with `deno task start`, which grants what the configuration needs, or " +
        "compile the binary with this configuration (`deno task compile`)",
    });
    return EXIT_PERMISSIONS;
  }
  await Deno.mkdir(config.dataDir, { recursive: true });
  const widerMode = await makePrivate(config.dataDir);
  if (widerMode !== undefined) {
    log.warn("PipelineDataDirMadePrivate", { dataDir: config.dataDir, was: widerMode.toString(8) });
  }
  let lock;
  try {
    lock = await lockDataDir(config.dataDir);
  } catch (error) {
    if (!(error instanceof DataDirInUseError)) throw error;
    log.error("PipelineDataDirInUse", { message: error.message, pid: error.pid });
    return EXIT_DATA_DIR_IN_USE;
  }
  // Once the data directory is ours (a second start says only that it is in use), and before any
  // Worker starts, so that no arena fills under glibc's own, rising threshold first.
  const threshold = applyMmapThreshold(config.pipeline.mallocMmapThresholdKb);
  if (threshold.applied === "none") {
    log.warn("PipelineMallocMmapThresholdNotSet", {
      ...threshold,
      hint: "MALLOC_MMAP_THRESHOLD_KB applies to glibc only; the pipeline goes on with its " +
        "allocator's own behaviour, under which memory may grow with a large backlog " +
        "(docs/OPERATIONS.md, Memory)",
    });
  } else {
    log.info("PipelineMallocMmapThreshold", threshold);
  }
  log.info("PipelineConfigLoaded", { config: redacted(config) });
  // The control server answers from here on ("starting: ..." until the pipeline runs).
  const token = await ensureToken(config.control.token, config.dataDir);
  const board = dashboardsFor(config);
  const starting = new StartingControl();
  const control = servePipelineControl(
    starting.handlers,
    { ...config.control, token },
    [board.route],
  );
  let broker: Awaited<ReturnType<typeof startDevBroker>> | undefined;
  const stopped = Promise.withResolvers<string>();
  let signals = 0;
  const onSignal = (signal: string) => {
    if (++signals === 1) return stopped.resolve(signal);
    // Safe: offsets are committed only for durable events; the rest is re-read at the next start.
    log.warn("PipelineStopForced", {
      signal,
      exitCode: EXIT_INTERRUPTED,
      hint: "stopped without finishing the drain; uncommitted events are re-read at the next start",
    });
    broker?.signalStop();
    Deno.exit(EXIT_INTERRUPTED);
  };
  const onInt = () => onSignal("SIGINT");
  const onTerm = () => onSignal("SIGTERM");
  Deno.addSignalListener("SIGINT", onInt);
  Deno.addSignalListener("SIGTERM", onTerm);
  let models: ModelsService | undefined;
  let stopDumps = () => {};
  let operator: OperatorStatus | undefined;
  try {
    if (config.kafka.localDevBroker) {
      starting.step("kafka", "starting the local dev broker");
      broker = await startDevBroker({
        dataDir: config.dataDir,
        plainPort: 9092,
        saslPort: 9094,
        controllerPort: 9093,
        username: "pipeline",
        heapMiB: 512,
      });
    }
    starting.step("kafka", `checking access to topic ${config.kafka.topic}`);
    try {
      await ensureTopic(config);
    } catch (error) {
      if (!(error instanceof KafkaAccessError)) throw error;
      log.error(error.event, { reason: error.message });
      return error.exitCode;
    }
    starting.step("geoip", "preparing the range table");
    const geoipTable = await prepareGeoip(config);
    const pipeline = new Pipeline({ config, geoipTable, faults: testFaults() });
    stopDumps = dumpHeapOnSignal("host", true);
    models = await startModelsService(config, pipeline, board);
    operator = operatorStatus(pipeline);
    const handlers = models.controlHandlers(
      operator.wrap(controlHandlers(pipeline, () => pipeline.crawlCounters)),
    );
    starting.starting(pipeline);
    // Nothing is consumed before every actor runs (the consumer starts last), so a signal while
    // a stage cannot start (a warehouse away) ends the process at once.
    const interrupted = await Promise.race([pipeline.start(), stopped.promise]);
    if (interrupted !== undefined) {
      log.warn("PipelineStoppedWhileStarting", { signal: interrupted, reason: starting.reason() });
      return 0;
    }
    starting.running(handlers);
    const schedule = new ExportSchedule(pipeline, config.pipeline);
    log.info("PipelineStarted", { brokers: config.kafka.brokers, topic: config.kafka.topic });
    const signal = await stopped.promise;
    const deadlineMs = config.pipeline.stopDeadlineMs;
    log.info("PipelineStopping", { signal, deadlineMs, hint: "a second signal stops at once" });
    schedule.stop();
    await pipeline.stop(deadlineMs);
  } finally {
    await control.shutdown();
    operator?.stop();
    await (models === undefined ? board.close() : models.stop());
    Deno.removeSignalListener("SIGINT", onInt);
    Deno.removeSignalListener("SIGTERM", onTerm);
    stopDumps();
    await broker?.stop();
    lock.release();
  }
  log.info("PipelineStopped", {});
  return 0;
}
