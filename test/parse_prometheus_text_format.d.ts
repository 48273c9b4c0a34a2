/** Types of the untyped npm package parse-prometheus-text-format (only what the tests read). */
export interface PrometheusFamily {
  name: string;
  help: string;
  type: "COUNTER" | "GAUGE" | "HISTOGRAM" | "SUMMARY" | "UNTYPED";
  metrics: {
    labels?: Record<string, string>;
    value?: string;
    buckets?: Record<string, string>;
    count?: string;
    sum?: string;
  }[];
}

/** Parses Prometheus text exposition format; throws on malformed input. */
export default function parsePrometheusTextFormat(text: string): PrometheusFamily[];
