/**
 * The batch lookup of `deno task geoip -- lookup`: one IP per input line to one CSV row
 * (ip,country,region,city,latitude,longitude), streaming in and out with backpressure, so a
 * list of millions of IPs never sits in memory. Unknown and invalid IPs get empty columns.
 */
import type { GeoLookup } from "../../actors/geoip/geo_lookup.ts";
import { readLines } from "../../actors/geoip/line_reader.ts";

/** The header row. */
export const CSV_HEADER = "ip,country,region,city,latitude,longitude";

/** Counts so far. */
export interface LookupCounts {
  readonly ips: number;
  readonly located: number;
  readonly notFound: number;
  readonly invalid: number;
  /** Line number of the first invalid IP, or null. */
  readonly firstInvalidLine: number | null;
}

/** Quotes a CSV field when it holds a comma, quote, line break or edge space (RFC 4180). */
export function csvField(value: string | number | null): string {
  if (value === null) return "";
  const text = String(value);
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const coordinate = (n: number | null) => (n === null ? "" : n.toFixed(6));

/**
 * Looks every line of `input` up and writes CSV rows to `output` (left open); blank lines are
 * skipped. Rows are flushed once per input chunk, awaiting the output (backpressure).
 */
export async function lookupCsv(
  table: GeoLookup,
  input: ReadableStream<Uint8Array>,
  output: WritableStream<Uint8Array>,
  onProgress?: (counts: LookupCounts) => void,
): Promise<LookupCounts> {
  const encoder = new TextEncoder();
  const writer = output.getWriter();
  const counts = {
    ips: 0,
    located: 0,
    notFound: 0,
    invalid: 0,
    firstInvalidLine: null as number | null,
  };
  let pending = `${CSV_HEADER}\n`;
  try {
    await readLines(input, {
      onLine: (line, number) => {
        const ip = line.trim();
        if (ip === "") return;
        counts.ips++;
        const found = table.lookup(ip);
        if (found === "invalid") {
          counts.invalid++;
          counts.firstInvalidLine ??= number;
        }
        if (found === null) counts.notFound++;
        if (found === null || found === "invalid") {
          pending += `${csvField(ip)},,,,,\n`;
          return;
        }
        counts.located++;
        pending += `${csvField(ip)},${csvField(found.country)},${csvField(found.region)},${
          csvField(found.city)
        },${coordinate(found.latitude)},${coordinate(found.longitude)}\n`;
      },
      afterChunk: async () => {
        await writer.write(encoder.encode(pending));
        pending = "";
        onProgress?.({ ...counts });
      },
    });
  } finally {
    writer.releaseLock();
  }
  return counts;
}
