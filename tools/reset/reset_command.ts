/**
 * `deno task reset-partition -- --partition P`: starts a new watermark epoch for partitions whose
 * Kafka log was replaced, after the pipeline refused them (see the README, "Operations"). Opens
 * the configured warehouse directly, so the pipeline must be stopped (DuckDB has one writer).
 * Prints one JSON line per partition reset. Exit codes: 0 done, 1 failed, 2 bad flags.
 */
import { ConfigError, loadConfig } from "../../config/config.ts";
import { openWarehouse } from "../../actors/writer/open_warehouse.ts";
import { NO_FAULTS } from "../../pipeline/test_faults.ts";
import { parseResetFlags, USAGE } from "./reset_flags.ts";

/** Runs the command. */
export async function run(args: string[]): Promise<number> {
  const flags = parseResetFlags(args);
  if ("help" in flags) {
    console.log(USAGE);
    return 0;
  }
  if ("error" in flags) {
    console.error(`${flags.error}\n\n${USAGE}`);
    return 2;
  }
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return 2;
  }
  const topic = flags.topic ?? config.kafka.topic;
  const warehouse = await openWarehouse({
    dataDir: config.dataDir,
    warehouse: config.warehouse,
    bigqueryEndpoint: config.endpoints.bigquery ?? null,
    requestTimeoutMs: config.pipeline.warehouseTimeoutMs,
    faults: NO_FAULTS.writer,
  });
  try {
    await warehouse.open();
  } catch (error) {
    console.error(
      `Cannot open the warehouse to reset partitions (is the pipeline still running? stop it ` +
        `first): ${
          error instanceof Error ? `${error.message} ${String(error.cause ?? "")}` : error
        }`,
    );
    return 1;
  }
  try {
    const stored = (await warehouse.watermarks()).filter((w) => w.topic === topic);
    const partitions = flags.partitions === "all"
      ? stored.map((w) => w.partition)
      : flags.partitions;
    if (partitions.length === 0) {
      console.error(`The warehouse holds no watermark for topic ${topic}: nothing to reset`);
      return 1;
    }
    for (const partition of partitions) {
      const reset = await warehouse.resetPartition(
        topic,
        partition,
        flags.fromOffset,
        flags.reason,
      );
      console.log(JSON.stringify(reset));
    }
    return 0;
  } finally {
    await warehouse.close();
  }
}
