/**
 * A batch's dimension upserts (user agents, products) in transactions of their own, on a
 * connection of their own, committed before the batch's transaction commits: started when the
 * batch is prepared, which the writer does while the batch before it commits, so the upserts run
 * on DuckDB beside that COMMIT instead of after it on the writer's chain.
 *
 * Why this keeps every promise: the upserts are INSERT OR IGNORE on the primary key, so offering
 * a key twice stores it once; the batch waits for its upserts before it commits, so no staged row
 * is ever durable without its dimension rows; upserts that commit for a batch that then fails (or
 * is replayed, or held back) only store early what that batch stores when it is written again. One
 * transaction at a time on this connection, and no other writer of these tables' new keys, so the
 * upserts never conflict with each other or with the batches (DuckDB's MVCC). Keys are known (and
 * not offered again) once their upsert committed.
 */

import type { DuckDBConnection, DuckDBInstance } from "@duckdb/node-api";
import type { RowBatch } from "../../../messages/staging_columns.ts";
import { KnownKeys } from "../known_keys.ts";
import type { WarehouseBatch } from "../warehouse.ts";
import { upsertProducts, upsertUserAgents } from "./dimensions.ts";
import { inTransaction } from "./transaction.ts";

/**
 * What a batch's upserts stored: new keys counted, keys offered; and the ms of their COMMIT when
 * DuckDB checkpointed inside it (the WAL shrank; 0 otherwise).
 */
export interface DimensionsStored {
  readonly agents: { readonly inserted: number; readonly keys: string[] };
  readonly products: { readonly inserted: number; readonly keys: string[] };
  readonly checkpointMs: number;
}

/** A batch's upserts under way (or done); `failed` once they rejected. */
interface Started {
  readonly done: Promise<DimensionsStored>;
  failed: boolean;
}

/** The dimension upserts of batches, ahead of their transactions (see the module doc). */
export class DimensionsAhead {
  readonly #userAgents = new KnownKeys();
  readonly #products = new KnownKeys();
  readonly #started = new WeakMap<WarehouseBatch, Started>();
  #connection: DuckDBConnection | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #walBytes: () => number | undefined = () => undefined;

  /**
   * Connects to `instance` (one connection, its own temp tables); `walBytes` reads the WAL's size
   * (undefined in memory), to tell a COMMIT that checkpointed.
   */
  async open(
    instance: DuckDBInstance,
    walBytes: () => number | undefined = () => undefined,
  ): Promise<void> {
    this.#connection = await instance.connect();
    this.#walBytes = walBytes;
  }

  /** Waits for the upserts under way and disconnects. */
  async close(): Promise<void> {
    await this.#queue;
    this.#connection?.closeSync();
    this.#connection = undefined;
  }

  /**
   * Starts the upserts of `batch` (its `rows`, first seen at `seenAtMs`) unless they are under way
   * or done; after a failure, starts them again. Resolves once they are committed.
   */
  of(batch: WarehouseBatch, rows: RowBatch, seenAtMs: number): Promise<DimensionsStored> {
    const known = this.#started.get(batch);
    if (known !== undefined && !known.failed) return known.done;
    const done = this.#queue.then(() => this.#upsert(rows, seenAtMs));
    this.#queue = done.catch(() => undefined); // the next batch's upserts run whatever this did
    const started: Started = { done, failed: false };
    // Marks the failure for a later `of` to start again; the batch's write awaits `done` and
    // fails (and is retried) with the error itself.
    done.catch(() => started.failed = true);
    this.#started.set(batch, started);
    return done;
  }

  async #upsert(rows: RowBatch, seenAtMs: number): Promise<DimensionsStored> {
    const connection = this.#connection;
    if (connection === undefined) {
      throw new Error("Cannot store dimensions: the warehouse's dimension connection is not open");
    }
    // DuckDB checkpoints inside whichever COMMIT takes the WAL past its threshold, these upserts'
    // too (docs/OPERATIONS.md, "DuckDB's WAL and checkpoints"): timed, so the writer's wait for
    // them can be counted as the checkpoint it is.
    let walBefore: number | undefined;
    let commitStarted = 0;
    const upserts = await inTransaction(connection, async () => {
      const done = {
        agents: await upsertUserAgents(connection, rows, this.#userAgents, seenAtMs),
        products: await upsertProducts(connection, rows, this.#products),
      };
      walBefore = this.#walBytes();
      commitStarted = performance.now();
      return done;
    });
    const walAfter = this.#walBytes();
    const checkpointed = walBefore !== undefined && walAfter !== undefined && walAfter < walBefore;
    this.#userAgents.addAll(upserts.agents.keys);
    this.#products.addAll(upserts.products.keys);
    return { ...upserts, checkpointMs: checkpointed ? performance.now() - commitStarted : 0 };
  }
}
