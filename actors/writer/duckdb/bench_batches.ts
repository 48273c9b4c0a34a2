/**
 * The rows the writer-alone bench writes: a pool of 10 distinct batches, either synthetic
 * (`syntheticBatch`, 2,000 user agents) or generated events (`tools/produce`, the real mix, as
 * `bench -- ingest` produces them) through the real enricher with the pipeline's default geoip
 * source (DB-IP Lite country: country columns and the table's label, no region, city or
 * coordinates), handed out again and again with offsets made unique.
 */

import { enrichBatch, type KafkaMessage } from "../../enricher/enrich_batch.ts";
import { UserAgentCache } from "../../enricher/user_agent_cache.ts";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import { generateMessages } from "../../../tools/produce/mod.ts";
import { DBIP_COUNTRY } from "../../geoip/dbip_country.ts";
import type { GeoLookup } from "../../geoip/geo_lookup.ts";
import { openTable } from "../../geoip/open_table.ts";
import { buildTable } from "../../geoip/table_builder.ts";
import { columnIndex } from "../batch_columns.ts";
import { syntheticBatch } from "../testing.ts";

/** Where the bench's rows come from. */
export type RowSource = "synthetic" | "generated";

/** Whether `text` names a row source. */
export const isRowSource = (text: string): text is RowSource =>
  text === "synthetic" || text === "generated";

const POOL = 10;

/** The pipeline's default geoip table, built into `dir` (a few seconds). */
export async function defaultGeo(dir: string): Promise<GeoLookup> {
  const out = `${dir}/geoip.bin`;
  await buildTable({
    ipv4Csv: DBIP_COUNTRY.ipv4Csv,
    ipv6Csv: DBIP_COUNTRY.ipv6Csv,
    format: "country",
    sourceLabel: DBIP_COUNTRY.label,
    out,
    mode: "skip",
  });
  return await openTable(out);
}

/** Where generated batches come from: the producer's seed and the topic they are read from. */
export interface GeneratedStream {
  readonly seed: number;
  readonly topic: string;
}

/** The ingest bench's throughput stream (seed 18), which the writer-alone bench writes. */
const THROUGHPUT_STREAM: GeneratedStream = { seed: 18, topic: "bench-throughput" };

/** `batches` batches of `size` events of `stream`, partition 0, through the real enricher. */
export function generatedBatches(
  stream: GeneratedStream,
  size: number,
  batches: number,
  geo: GeoLookup,
): RowBatch[] {
  const context = { userAgents: new UserAgentCache(), geo };
  const pool: RowBatch[] = [];
  let pending: KafkaMessage[] = [];
  for (const m of generateMessages({ seed: stream.seed, count: size * batches })) {
    pending.push({
      topic: stream.topic,
      partition: 0,
      offset: m.index,
      timestampMs: 1_700_000_000_000 + m.index,
      key: null,
      value: m.value,
    });
    if (pending.length === size) {
      pool.push(enrichBatch(pending, context).rows);
      pending = [];
    }
  }
  return pool;
}

/** The pool of distinct batches of `size` rows (`dir`: a scratch folder). */
export async function batchPool(source: RowSource, size: number, dir: string): Promise<RowBatch[]> {
  if (source === "generated") {
    return generatedBatches(THROUGHPUT_STREAM, size, POOL, await defaultGeo(dir));
  }
  return Array.from(
    { length: POOL },
    (_, i) => syntheticBatch({ fromOffset: i * size, count: size, userAgents: 2000 }),
  );
}

/** `rows` rows from `pool` in batches of its batch size, offsets rising from 0 (not packed). */
export function* poolBatches(pool: readonly RowBatch[], rows: number): Generator<RowBatch> {
  const offset = columnIndex("_offset");
  let from = 0;
  for (let i = 0; from < rows; i++) {
    const base = pool[i % pool.length] as RowBatch;
    const count = Math.min(base.rowCount, rows - from);
    const columns = base.columns.map((c) => c.slice(0, count));
    columns[offset] = Array.from({ length: count }, (_, r) => from + r);
    yield { rowCount: count, columns };
    from += count;
  }
}
