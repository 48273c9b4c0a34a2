/**
 * The one logger of the pipeline: structured JSON lines on stderr, one event per line.
 * Event names read `<Actor><Noun><Verb>` (`WriterBatchCommitted`); fields are plain data.
 * Secrets never reach it: callers pass redacted configuration, and every field is passed
 * through `redactForLog` (URL credentials, and bytes, which may be personal data).
 */
import { redactForLog } from "./redact.ts";

/** Severity of a log event, lowest first. */
export type LogLevel = "debug" | "info" | "warn" | "error";

const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

/** Plain data attached to a log event. */
export type LogFields = Record<string, unknown>;

/** A logger bound to a component name (`writer`, `kafka`, ...). */
export interface Logger {
  /** Logs at debug level. */
  debug(event: string, fields?: LogFields): void;
  /** Logs at info level. */
  info(event: string, fields?: LogFields): void;
  /** Logs at warn level. */
  warn(event: string, fields?: LogFields): void;
  /** Logs at error level. */
  error(event: string, fields?: LogFields): void;
}

let threshold: LogLevel = readThreshold();
const encoder = new TextEncoder();

function readThreshold(): LogLevel {
  const wanted = Deno.permissions.querySync({ name: "env", variable: "LOG_LEVEL" }).state ===
      "granted"
    ? Deno.env.get("LOG_LEVEL")
    : undefined;
  return wanted === "debug" || wanted === "warn" || wanted === "error" ? wanted : "info";
}

/** Sets the lowest level that is written (default `info`, or `LOG_LEVEL`). */
export function setLogLevel(level: LogLevel): void {
  threshold = level;
}

/** Whether events of `level` are written. */
export function logsAt(level: LogLevel): boolean {
  return ORDER[level] >= ORDER[threshold];
}

function write(level: LogLevel, component: string, event: string, fields: LogFields): void {
  if (ORDER[level] < ORDER[threshold]) return;
  const record: LogFields = { time: new Date().toISOString(), level, component, event };
  for (const [key, value] of Object.entries(fields)) record[key] = redactForLog(value);
  const bytes = encoder.encode(JSON.stringify(record) + "\n");
  for (let written = 0; written < bytes.length;) {
    written += Deno.stderr.writeSync(bytes.subarray(written));
  }
}

/** Returns a logger whose events carry `component`. */
export function getLogger(component: string): Logger {
  return {
    debug: (event, fields = {}) => write("debug", component, event, fields),
    info: (event, fields = {}) => write("info", component, event, fields),
    warn: (event, fields = {}) => write("warn", component, event, fields),
    error: (event, fields = {}) => write("error", component, event, fields),
  };
}
