/**
 * `deno task produce -- --count N [--rate R] [--topic T] [--bad-fraction F] [--seed S]`: writes
 * generated clickstream events to the configured Kafka, with throttled progress on stderr and a
 * one-line summary (sent, hostile, seconds, rate) on stdout. Ctrl-C stops after the sends in flight.
 */
import { type Config, ConfigError, loadConfig } from "../../config/config.ts";
import { parseProduceFlags, USAGE } from "./produce_flags.ts";
import { produceEvents, type ProduceProgress, type ProduceSummary } from "./produce_events.ts";

const encoder = new TextEncoder();

function progressLine(p: ProduceProgress, count: number): string {
  const percent = Math.floor((p.sent / count) * 100);
  return `produce: ${p.sent}/${count} sent (${percent}%), ${p.hostile} hostile, ${
    Math.round(p.rate)
  } events/s\n`;
}

/** The final line: `sent=… hostile=… seconds=… rate=…/s topic=…` and hostile counts by kind. */
export function summaryLine(summary: ProduceSummary, topic: string): string {
  const kinds = Object.entries(summary.hostileByKind).filter(([, n]) => n > 0)
    .map(([kind, n]) => `${kind}=${n}`);
  return `produce summary: sent=${summary.sent} hostile=${summary.hostile} seconds=${
    summary.seconds.toFixed(2)
  } rate=${Math.round(summary.rate)}/s topic=${topic}${
    kinds.length > 0 ? ` (${kinds.join(" ")})` : ""
  }`;
}

/** The Kafka settings, or undefined after printing why the configuration is wrong. */
function kafkaConfig(): Config["kafka"] | undefined {
  try {
    return loadConfig().kafka;
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    return undefined;
  }
}

/** Runs the command; exit codes: 0 done, 2 bad flags or configuration, 130 interrupted. */
export async function run(args: string[]): Promise<number> {
  const parsed = parseProduceFlags(args);
  if ("help" in parsed) {
    console.log(USAGE);
    return 0;
  }
  if ("error" in parsed) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return 2;
  }
  const { flags } = parsed;
  const kafka = kafkaConfig();
  if (kafka === undefined) return 2;
  const topic = flags.topic ?? kafka.topic;
  const stop = new AbortController();
  const onInterrupt = () => stop.abort();
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const summary = await produceEvents({
      brokers: kafka.brokers,
      sasl: kafka.sasl,
      ssl: kafka.ssl,
      sslCaFile: kafka.sslCaFile,
      topic,
      count: flags.count,
      seed: flags.seed,
      badFraction: flags.badFraction,
      ...(flags.rate === undefined ? {} : { rate: flags.rate }),
      signal: stop.signal,
      onProgress: (p) => Deno.stderr.writeSync(encoder.encode(progressLine(p, flags.count))),
    });
    console.log(summaryLine(summary, topic));
    return stop.signal.aborted ? 130 : 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}
