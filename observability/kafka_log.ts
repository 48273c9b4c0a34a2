/**
 * kafkajs's log lines through the pipeline's logger, at their own level, without protocol
 * payloads: kafkajs can put message bytes into its debug lines (`payload` with
 * KAFKAJS_DEBUG_PROTOCOL_BUFFERS=1, a Fetch response's `data` with
 * KAFKAJS_DEBUG_EXTENDED_PROTOCOL_BUFFERS=1), and message bytes are personal data. Those two
 * fields are dropped whatever the environment says; any other bytes are redacted by the logger.
 * A refused SASL login, which kafkajs logs on three layers before throwing it to the caller (who
 * reports it once), goes to debug; a broker outside the run's network permissions gets a hint.
 */
import { type logCreator, logLevel } from "kafkajs";
import { getLogger, logsAt } from "./log.ts";

const log = getLogger("kafkajs");
/** Fields of kafkajs log entries that can carry protocol bytes. */
const PAYLOAD_FIELDS = new Set(["payload", "data"]);

/** kafkajs's lines about a refused SASL login (reported once by the caller instead). */
const LOGIN_REFUSED = /SaslAuthenticate|SASL .* authentication failed/i;
/** Deno refusing a connection to a broker the cluster advertised but the run may not reach. */
const NET_DENIED = /Requires net access to/;
const NET_DENIED_HINT =
  "a broker outside this run's network permissions: add it to KAFKA_EXTRA_HOSTS and restart";

/** The kafkajs level matching the pipeline's log threshold (debug only when asked for). */
export function kafkaLogLevel(): logLevel {
  return logsAt("debug") ? logLevel.DEBUG : logLevel.WARN;
}

/** A kafkajs `logCreator` writing through the pipeline's logger. */
export const kafkaLogCreator: logCreator = () => ({ namespace, level, log: entry }) => {
  const { message, timestamp: _timestamp, logger: _logger, ...rest } = entry;
  const fields: Record<string, unknown> = { message };
  for (const [key, value] of Object.entries(rest)) {
    fields[key] = PAYLOAD_FIELDS.has(key) ? "[protocol payload not logged]" : value;
  }
  const event = `Kafka${namespace || "Client"}`;
  const text = `${message} ${String(rest.error ?? "")}`;
  if (LOGIN_REFUSED.test(text)) log.debug(event, fields);
  else if (NET_DENIED.test(text)) log.error(event, { ...fields, hint: NET_DENIED_HINT });
  else if (level <= logLevel.ERROR) log.error(event, fields);
  else if (level === logLevel.WARN) log.warn(event, fields);
  else if (level === logLevel.INFO) log.info(event, fields);
  else log.debug(event, fields);
};
