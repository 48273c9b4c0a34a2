/** Test helper: a real Prometheus text-format parser (the npm package), typed. */
// @ts-types="./parse_prometheus_text_format.d.ts"
import parsePrometheusTextFormat from "parse-prometheus-text-format";
export type { PrometheusFamily } from "./parse_prometheus_text_format.d.ts";

/** Parses Prometheus text into metric families. */
export const parsePrometheus = parsePrometheusTextFormat;
