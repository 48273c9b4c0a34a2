/** Test helper: a real Prometheus text-format parser (the npm package), typed. */
// @ts-types="./parse_prometheus_text_format.d.ts"
import parsePrometheusTextFormat from "parse-prometheus-text-format";
export type { PrometheusFamily } from "./parse_prometheus_text_format.d.ts";

/** Parses Prometheus text into metric families. */
export const parsePrometheus = parsePrometheusTextFormat;

/** The sum of a metric's series whose labels include `labels` (0 when there is none). */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}) {
  const family = parsePrometheusTextFormat(text).find((f) => f.name === name);
  let sum = 0;
  for (const m of family?.metrics ?? []) {
    const own = m.labels ?? {};
    if (Object.entries(labels).every(([k, v]) => own[k] === v)) sum += Number(m.value ?? 0);
  }
  return sum;
}
