/**
 * A small Prometheus registry: counters, gauges and histograms with labels, rendered in the
 * text exposition format (version 0.0.4). Names follow `pipeline_<thing>_<unit>[_total]`.
 */

/** Label names to values. */
export type Labels = Readonly<Record<string, string>>;

type Kind = "counter" | "gauge" | "histogram";

interface Family {
  readonly name: string;
  readonly help: string;
  readonly kind: Kind;
  readonly buckets: readonly number[];
  readonly series: Map<string, { labels: Labels; value: number; counts: number[]; sum: number }>;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

function labelKey(labels: Labels): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(",");
}

function escapeLabel(value: string): string {
  return value.replaceAll("\\", "\\\\").replaceAll("\n", "\\n").replaceAll('"', '\\"');
}

function renderLabels(labels: Labels, extra?: [string, string]): string {
  const pairs = Object.entries(labels);
  if (extra) pairs.push(extra);
  if (pairs.length === 0) return "";
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(",")}}`;
}

function formatNumber(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "+Inf";
  if (n === -Infinity) return "-Inf";
  return String(n);
}

/** Holds metric families and renders them. */
export class Registry {
  readonly #families = new Map<string, Family>();

  #family(name: string, help: string, kind: Kind, buckets: readonly number[] = []): Family {
    const existing = this.#families.get(name);
    if (existing !== undefined) {
      if (existing.kind !== kind) throw new TypeError(`Metric ${name} is a ${existing.kind}`);
      return existing;
    }
    if (!NAME.test(name)) throw new TypeError(`Invalid metric name: ${JSON.stringify(name)}`);
    const family: Family = { name, help, kind, buckets, series: new Map() };
    this.#families.set(name, family);
    return family;
  }

  #series(family: Family, labels: Labels) {
    const key = labelKey(labels);
    let series = family.series.get(key);
    if (series === undefined) {
      series = { labels, value: 0, counts: family.buckets.map(() => 0), sum: 0 };
      family.series.set(key, series);
    }
    return series;
  }

  /** Adds `by` (default 1) to a counter. */
  inc(name: string, help: string, labels: Labels = {}, by = 1): void {
    if (by < 0) throw new RangeError(`Counter ${name} cannot decrease (by ${by})`);
    this.#series(this.#family(name, help, "counter"), labels).value += by;
  }

  /** Sets a counter to an absolute total reported by its owner (never lowers it). */
  setTotal(name: string, help: string, labels: Labels, total: number): void {
    const series = this.#series(this.#family(name, help, "counter"), labels);
    series.value = Math.max(series.value, total);
  }

  /** Sets a gauge. */
  set(name: string, help: string, labels: Labels, value: number): void {
    this.#series(this.#family(name, help, "gauge"), labels).value = value;
  }

  /** Records one observation in a histogram with the given upper bucket bounds. */
  observe(name: string, help: string, buckets: readonly number[], labels: Labels, v: number): void {
    const series = this.#series(this.#family(name, help, "histogram", buckets), labels);
    for (let i = 0; i < buckets.length; i++) {
      if (v <= (buckets[i] ?? Infinity)) series.counts[i] = (series.counts[i] ?? 0) + 1;
    }
    series.value++;
    series.sum += v;
  }

  /**
   * Records many observations at once: `perBucket[i]` values fell in bucket i (not cumulative;
   * one extra entry for values above the last bound), summing to `sum`.
   */
  observeMany(
    name: string,
    help: string,
    buckets: readonly number[],
    labels: Labels,
    perBucket: readonly number[],
    sum: number,
  ): void {
    const series = this.#series(this.#family(name, help, "histogram", buckets), labels);
    let running = 0;
    for (let i = 0; i < buckets.length; i++) {
      running += perBucket[i] ?? 0;
      series.counts[i] = (series.counts[i] ?? 0) + running;
    }
    series.value += running + (perBucket[buckets.length] ?? 0);
    series.sum += sum;
  }

  /** Renders every family in the Prometheus text format. */
  render(): string {
    const out: string[] = [];
    for (const f of this.#families.values()) {
      out.push(`# HELP ${f.name} ${f.help.replaceAll("\\", "\\\\").replaceAll("\n", "\\n")}`);
      out.push(`# TYPE ${f.name} ${f.kind}`);
      for (const s of f.series.values()) {
        if (f.kind !== "histogram") {
          out.push(`${f.name}${renderLabels(s.labels)} ${formatNumber(s.value)}`);
          continue;
        }
        f.buckets.forEach((bound, i) => {
          const le: [string, string] = ["le", formatNumber(bound)];
          out.push(`${f.name}_bucket${renderLabels(s.labels, le)} ${s.counts[i] ?? 0}`);
        });
        out.push(`${f.name}_bucket${renderLabels(s.labels, ["le", "+Inf"])} ${s.value}`);
        out.push(`${f.name}_sum${renderLabels(s.labels)} ${formatNumber(s.sum)}`);
        out.push(`${f.name}_count${renderLabels(s.labels)} ${s.value}`);
      }
    }
    return out.join("\n") + "\n";
  }
}
