/**
 * The writer actor's behaviour: one warehouse transaction per batch, then `writer.batchWritten`
 * naming the chunks the consumer may commit, with the end-to-end latency of its rows. Exports
 * run here too, between batches (the warehouse has one writer), and an export interrupted by a
 * crash resumes when the writer starts.
 */
import {
  LATENCY_BUCKETS_MS,
  type WRITER_PROTOCOL,
  type WriterArgs,
} from "../../messages/writer.ts";
import { unpackRows } from "../../messages/packed_rows.ts";
import { type RowBatch, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { getLogger } from "../../observability/log.ts";
import { runExport } from "../exporter/export_run.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import type { FaultHook } from "./fault_hook.ts";
import { openLake, openWarehouse } from "./open_targets.ts";

type Protocol = typeof WRITER_PROTOCOL;
const log = getLogger("writer");
const KAFKA_TIMESTAMP = STAGING_COLUMNS.findIndex((c) => c.name === "_kafka_timestamp_ms");

/** Per-bucket row counts (plus one for "above the last bound") and the sum, in ms. */
export function latencyOf(rows: RowBatch, now: number): { counts: number[]; sum: number } {
  const counts = new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0);
  const stamps = rows.columns[KAFKA_TIMESTAMP] ?? [];
  let sum = 0;
  for (const stamp of stamps) {
    if (typeof stamp !== "number") continue;
    const ms = Math.max(0, now - stamp);
    sum += ms;
    let bucket = LATENCY_BUCKETS_MS.findIndex((bound) => ms <= bound);
    if (bucket < 0) bucket = LATENCY_BUCKETS_MS.length;
    counts[bucket] = (counts[bucket] ?? 0) + 1;
  }
  return { counts, sum };
}

/** Opens the warehouse, resumes any interrupted export, and returns the behaviour. */
export async function startWriter(
  args: WriterArgs,
  ctx: ActorContext<Protocol["emits"]>,
): Promise<Behaviour<Protocol["accepts"]>> {
  let writes = 0;
  const { crashAfterEveryNthWrite, failEveryNthWrite } = args.faults;
  const faults: FaultHook | undefined = failEveryNthWrite > 0
    ? (stage, attempt) => {
      if (stage === "staged" && attempt === 1 && (writes + 1) % failEveryNthWrite === 0) {
        throw new Error(`injected failure of write ${writes + 1} (test fault)`);
      }
    }
    : undefined;
  const warehouse = openWarehouse(args, faults);
  const lake = openLake(args);
  await warehouse.open();
  if ((await warehouse.sealedGenerations()).length > 0) {
    log.info("WriterExportResuming", {});
    await runExport({ warehouse, lake }, false);
  }
  return {
    handlers: {
      "writer.write": async (batch) => {
        const started = performance.now();
        const rows = unpackRows(batch.rows);
        const result = await warehouse.writeBatch({ rows, deadLetters: batch.deadLetters });
        writes++;
        if (crashAfterEveryNthWrite > 0 && writes % crashAfterEveryNthWrite === 0) {
          throw new Error(`injected crash after durable write ${writes} (test fault)`);
        }
        const latency = latencyOf(rows, Date.now());
        await ctx.emit("writer.batchWritten", {
          chunkIds: batch.chunkIds,
          generation: result.generation,
          staged: result.staged,
          deadLettered: result.deadLettered,
          replayed: result.replayed,
          newProducts: result.newProducts,
          attempts: result.attempts,
          writeMs: performance.now() - started,
          latencyCounts: latency.counts,
          latencySumMs: latency.sum,
        });
      },
      "writer.export": async () => {
        const summary = await runExport({ warehouse, lake });
        return {
          generations: summary.generations.map((g) => g.generation),
          rows: summary.rows,
          files: summary.files,
          bytes: summary.bytes,
          seconds: summary.seconds,
        };
      },
      "writer.uncrawled": async ({ limit }) => ({
        products: await warehouse.uncrawledProducts(limit),
      }),
      "writer.mergeCrawl": async ({ results }) => ({
        updated: await warehouse.mergeCrawlResults(results),
      }),
    },
    stop: () => warehouse.close(),
  };
}
