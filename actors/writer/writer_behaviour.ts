/**
 * The writer actor's behaviour: one warehouse transaction per batch, retried inside the actor for
 * as long as the warehouse is away (reporting `writer.stalled` / `writer.resumed`), then
 * `writer.batchWritten` naming the chunks the consumer may commit. Chunks whose partition log
 * does not continue the stored watermark are reported (`writer.partitionRefused`) and never
 * acknowledged. For the exporter it seals generations between batches and writes a sealed one's
 * Parquet beside the batches (`generation_handlers.ts`); a failure there is an answer, never a
 * crash.
 */
import type { ChunkSpan } from "../../messages/chunk_position.ts";
import {
  LATENCY_BUCKETS_MS,
  type Refusal,
  type WRITER_PROTOCOL,
  type WriterArgs,
} from "../../messages/writer.ts";
import { unpackRows } from "../../messages/packed_rows.ts";
import { type RowBatch, STAGING_COLUMNS } from "../../messages/staging_columns.ts";
import { getLogger } from "../../observability/log.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import type { FaultHook } from "./fault_hook.ts";
import { generationHandlers } from "./generation_handlers.ts";
import { openWarehouse } from "./open_warehouse.ts";
import type { WarehouseBatch } from "./warehouse.ts";
import { type StallListener, untilDone, WRITER_RETRY } from "./until_done.ts";
import { PhaseClock } from "./phase_clock.ts";

type Protocol = typeof WRITER_PROTOCOL;
const log = getLogger("writer");
const KAFKA_TIMESTAMP = STAGING_COLUMNS.findIndex((c) => c.name === "_kafka_timestamp_ms");
/** A partition's refusal is logged at most this often (it is counted every time). */
const REFUSAL_LOG_EVERY_MS = 60_000;

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

/** Events of a refused partition's chunks in a batch. */
function heldOf(chunks: readonly ChunkSpan[], refusal: Refusal): number {
  return chunks.filter((c) => c.topic === refusal.topic && c.partition === refusal.partition)
    .reduce((n, c) => n + c.rowCount + c.deadLetterCount, 0);
}

/** DuckDB invalidates a database after some fatal I/O errors; only a reopen brings it back. */
function isInvalidated(error: unknown): boolean {
  const text = error instanceof Error ? `${error.message} ${String(error.cause)}` : String(error);
  return /invalidated/i.test(text);
}

/** What the writer prepares on delivery: a batch unpacked, made ready for its transaction. */
export type WriterPrepared = { "writer.write": WarehouseBatch };

/** Opens the warehouse and returns the behaviour. */
export async function startWriter(
  args: WriterArgs,
  ctx: ActorContext<Protocol["emits"]>,
): Promise<Behaviour<Protocol["accepts"], WriterPrepared>> {
  let writes = 0;
  const { crashAfterEveryNthWrite, failEveryNthWrite, hangOnNthWrite } = args.faults;
  const faults: FaultHook | undefined = failEveryNthWrite > 0
    ? (stage, attempt) => {
      if (stage === "staged" && attempt === 1 && (writes + 1) % failEveryNthWrite === 0) {
        throw new Error(`injected failure of write ${writes + 1} (test fault)`);
      }
    }
    : undefined;
  const warehouse = await openWarehouse(args, faults);
  const listener: StallListener = {
    stalled: (report) => {
      log.warn("WriterStalled", { ...report, hint: "nothing is acknowledged until it is written" });
      return ctx.emit("writer.stalled", report);
    },
    resumed: (report) => {
      log.info("WriterResumed", { ...report });
      return ctx.emit("writer.resumed", report);
    },
    failed: async (error) => {
      if (!isInvalidated(error)) return;
      log.warn("WriterWarehouseReopening", { error });
      await warehouse.close();
      await warehouse.open();
    },
  };
  const lastRefusalLog = new Map<string, number>();
  const report = async (refusal: Refusal, held: number) => {
    const key = `${refusal.topic}\u0000${refusal.partition}\u0000${refusal.kind}`;
    const now = Date.now();
    if (now - (lastRefusalLog.get(key) ?? -Infinity) >= REFUSAL_LOG_EVERY_MS) {
      lastRefusalLog.set(key, now);
      log.error("WriterPartitionRefused", { ...refusal });
    }
    await ctx.emit("writer.partitionRefused", { ...refusal, held });
  };

  await untilDone(
    "open the warehouse",
    () => warehouse.open(),
    listener,
    WRITER_RETRY,
    () => warehouse.openStep?.(),
  );
  // The timeline of the writer's chain (`WRITE_PHASES`): when the last batch was answered, and
  // how long batches were prepared at their turn since (outside a commit).
  let answeredAt: number | undefined;
  let committing = false;
  let preparedAtTurnMs = 0;
  const prepareDuringCommit = () => {
    committing = true;
    ctx.prepareDelivered();
    committing = false;
  };
  return {
    // Unpacking and building a batch's chunks is JS work that needs no connection: it is done
    // while the batch before commits on DuckDB's threads (`whileCommitting`), else at its turn.
    prepare: {
      "writer.write": (batch) => {
        const begun = performance.now();
        const prepared = warehouse.prepareBatch({
          rows: unpackRows(batch.rows),
          deadLetters: batch.deadLetters,
          chunks: batch.chunks,
        });
        if (!committing) preparedAtTurnMs += performance.now() - begun;
        return prepared;
      },
    },
    handlers: {
      "writer.write": async (batch, prepared) => {
        const started = performance.now();
        const phases = new PhaseClock(answeredAt ?? started);
        phases.lap("idle", started);
        phases.move("idle", "prepareAtTurn", preparedAtTurnMs);
        preparedAtTurnMs = 0;
        if (writes + 1 === hangOnNthWrite) {
          log.warn("WriterHangingForTest", { write: writes + 1 });
          await new Promise<never>(() => {}); // test fault: a write that never finishes
        }
        const result = await untilDone(
          "write batch",
          () => warehouse.writeBatch(prepared, prepareDuringCommit, phases),
          listener,
        );
        phases.lap("commit");
        writes++;
        if (crashAfterEveryNthWrite > 0 && writes % crashAfterEveryNthWrite === 0) {
          throw new Error(`injected crash after durable write ${writes} (test fault)`);
        }
        for (const refusal of result.refusals) await report(refusal, heldOf(batch.chunks, refusal));
        const latency = latencyOf(prepared.rows, Date.now());
        phases.lap("answer");
        const phaseMs = phases.toArray();
        answeredAt = performance.now(); // sending the answer counts as the next batch's wait
        await ctx.emit("writer.batchWritten", {
          chunkIds: [...result.acceptedChunkIds],
          generation: result.generation,
          staged: result.staged,
          deadLettered: result.deadLettered,
          replayed: result.replayed,
          held: result.held,
          fixed: result.fixed,
          newProducts: result.newProducts,
          attempts: result.attempts,
          writeMs: performance.now() - started,
          latencyCounts: latency.counts,
          latencySumMs: latency.sum,
          phaseMs,
        });
      },
      ...generationHandlers(warehouse),
      // The crawler asks again later: a warehouse away costs it a round, never the writer.
      "writer.uncrawled": async ({ limit }) => {
        try {
          return { products: await warehouse.uncrawledProducts(limit) };
        } catch (error: unknown) {
          log.warn("WriterUncrawledUnavailable", { error, hint: "the crawler asks again later" });
          return { products: [] };
        }
      },
      "writer.mergeCrawl": async ({ results }) => {
        try {
          return { updated: await warehouse.mergeCrawlResults(results) };
        } catch (error: unknown) {
          log.warn("WriterCrawlMergeFailed", {
            error,
            products: results.length,
            hint: "the products stay uncrawled and are crawled again later",
          });
          return { updated: 0 };
        }
      },
    },
    // A generation's Parquet is written beside the batches (the exporter waits for it, they don't).
    concurrent: ["writer.exportParquet", "writer.exportDimensions"],
    stop: () => warehouse.close(),
  };
}
