/**
 * What the pipeline holds in flight, bounded by its settings and mailbox sizes, in bytes: the
 * memory budget `bench -- ingest` prints and docs/OPERATIONS.md (Memory) explains. Each data
 * message for the enrichers or the writer sits twice while its receiver works on it (the host keeps
 * the original to deliver again if the receiver crashes); an enriched chunk, moved to the batcher
 * and not kept (a batcher crash re-reads it from Kafka), once; and each sits once more in the host
 * while its sender's emit waits for room.
 */
import type { Config } from "../config/config.ts";
import { DEFAULT_POOL_LIMITS } from "../actors/runtime/buffer_pool.ts";
import { EMIT_WINDOW } from "../actors/runtime/serve.ts";
import { DUCKDB_MEMORY_LIMIT_MB } from "../messages/writer.ts";
import {
  FETCH_MAX_BYTES,
  FETCH_MAX_BYTES_PER_PARTITION,
  MAILBOX_CAPACITY,
} from "./pipeline_actors.ts";

/** Sizes of one event, measured on the generated clickstream (tools/produce). */
export interface EventSizes {
  /** A Kafka message value, bytes. */
  readonly kafkaBytes: number;
  /** An enriched, packed row, bytes. */
  readonly rowBytes: number;
}

/** Measured by `bench -- ingest` on the generated events (1,065 B values, 2% hostile). */
export const GENERATED_EVENT_SIZES: EventSizes = { kafkaBytes: 1_100, rowBytes: 850 };

/** One line of the budget. */
export interface BudgetLine {
  readonly what: string;
  /** How the bound follows from the settings. */
  readonly bound: string;
  readonly bytes: number;
}

/**
 * The budget's lines; their sum is what is in flight at most (allocator slack aside). `duckdbBytes`:
 * DuckDB's cap (`duckdbLimitBytes` of the configured warehouse).
 */
export function memoryBudget(
  pipeline: Pick<Config["pipeline"], "enrichers" | "chunkSize" | "batchMaxRows" | "batchMaxBytes">,
  sizes: EventSizes = GENERATED_EVENT_SIZES,
  duckdbBytes: number = DUCKDB_MEMORY_LIMIT_MB * 1_000_000,
): BudgetLine[] {
  const { enrichers, chunkSize, batchMaxRows, batchMaxBytes } = pipeline;
  // A chunk never spans two fetches of a partition, so a partition's share of a fetch bounds it.
  const perFetch = Math.floor(FETCH_MAX_BYTES_PER_PARTITION / sizes.kafkaBytes);
  const chunkEvents = Math.max(1, Math.min(chunkSize, perFetch));
  const chunk = chunkEvents * sizes.kafkaBytes;
  const enriched = chunkEvents * sizes.rowBytes;
  const batch = Math.min(batchMaxRows * sizes.rowBytes, batchMaxBytes);
  const twice = (n: number) => 2 * n;
  return [
    {
      what: "Kafka fetch",
      bound: "one response in flight (kafkajs maxBytes) and its decoded messages",
      bytes: twice(FETCH_MAX_BYTES),
    },
    {
      what: "consumer -> enrichers",
      bound: `${enrichers} × ${MAILBOX_CAPACITY.enricher} chunks twice, ${EMIT_WINDOW} emitted`,
      bytes: (twice(enrichers * MAILBOX_CAPACITY.enricher) + EMIT_WINDOW) * chunk,
    },
    {
      what: "enrichers -> batcher",
      bound: `${MAILBOX_CAPACITY.batcher} chunks, ${EMIT_WINDOW} emitted per enricher`,
      bytes: (MAILBOX_CAPACITY.batcher + enrichers * EMIT_WINDOW) * enriched,
    },
    {
      what: "open batch",
      bound: "BATCH_MAX_ROWS rows (BATCH_MAX_BYTES for large ones)",
      bytes: batch,
    },
    {
      what: "batcher -> writer",
      bound: `${MAILBOX_CAPACITY.writer} batches twice, ${EMIT_WINDOW} emitted`,
      bytes: (twice(MAILBOX_CAPACITY.writer) + EMIT_WINDOW) * batch,
    },
    {
      what: "recycled buffers",
      bound:
        `kept for reuse by the threads that make large messages (the host, the consumer, the ` +
        `batcher, ${enrichers} enrichers), ${DEFAULT_POOL_LIMITS.maxBytes >> 20} MiB each at most`,
      bytes: (3 + enrichers) * DEFAULT_POOL_LIMITS.maxBytes,
    },
    {
      what: "DuckDB",
      bound: "memory_limit while ingesting (DUCKDB_MEMORY_LIMIT_MB)",
      bytes: duckdbBytes,
    },
  ];
}

/** DuckDB's cap in bytes for a warehouse target (0 for BigQuery: nothing in this process). */
export function duckdbLimitBytes(warehouse: Config["warehouse"]): number {
  if (warehouse.kind !== "duckdb") return 0;
  // DuckDB's MB are 1,000,000 bytes.
  return (warehouse.memoryLimitMb ?? DUCKDB_MEMORY_LIMIT_MB) * 1_000_000;
}
