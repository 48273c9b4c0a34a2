/**
 * The batcher actor's behaviour: feeds enriched chunks to the assembler, emits each closed
 * batch in the order it was closed (by size on `batcher.add`, by age from a timer, or on
 * `batcher.flush`), and drops chunks of a consumer epoch older than one already seen for their
 * partition: the newer epoch re-reads them from the committed offset, so writing the old copy
 * later could leave a gap under the writer's watermark.
 *
 * The age limit is for a writer that waits for batches: while a batch closed before is still on
 * its way (the runtime has not taken its emit, because the writer's mailbox is full), the open
 * batch keeps taking chunks up to its size limits and closes by age only once that one was taken.
 * So a short `maxAgeMs` keeps latency low at a modest rate without cutting a backlog into small
 * batches (each batch costs the writer a fixed share of its chain). A batch closed by size waits
 * for the ones before it: that is the backpressure on the enrichers.
 */
import type {
  BATCHER_PROTOCOL,
  BatcherFaults,
  BatchLimits,
  WriteBatch,
} from "../../messages/batcher.ts";
import type { EnrichedChunk } from "../../messages/enricher.ts";
import { rowsTransferables } from "../../messages/packed_rows.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import { BatchAssembler } from "./batch_assembler.ts";

type Protocol = typeof BATCHER_PROTOCOL;

/** Starts a batcher with `limits`; `clock` and `faults` are for tests. */
export function startBatcher(
  limits: BatchLimits,
  ctx: ActorContext<Protocol["emits"]>,
  clock: () => number = Date.now,
  faults: BatcherFaults = { crashOnNthChunk: 0 },
): Behaviour<Protocol["accepts"]> {
  // The chunks' buffers, copied into a batch, go back to the enricher that made them.
  const assembler = new BatchAssembler(limits, (buffers) => ctx.recycle(buffers));
  let chunks = 0;
  const newestEpoch = new Map<string, number>();
  let emitted: Promise<void> = Promise.resolve();
  /** Batches emitted and not yet taken by the runtime (the writer's mailbox is full). */
  let onTheirWay = 0;
  /** The first failed emit: the next `batcher.add` throws it, so the actor crashes and restarts. */
  let failed: { readonly error: unknown } | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const emit = (batches: readonly (WriteBatch | undefined)[]): Promise<void> => {
    for (const batch of batches) {
      if (batch === undefined) continue;
      onTheirWay++;
      // The rows' buffers move to the host: the batch is not used here after this.
      emitted = emitted.then(() =>
        ctx.emit("batcher.batchClosed", batch, rowsTransferables(batch.rows))
      ).finally(() => onTheirWay--);
      emitted.catch((error: unknown) => {
        failed ??= { error };
      });
    }
    return emitted;
  };
  const closeDue = (): void => {
    // A failed emit rejects `emitted`; the next handler awaiting it crashes the actor.
    emit([assembler.flushDue(clock())]).then(arm, arm);
  };
  const arm = () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = undefined;
    const due = assembler.dueAt();
    if (due === undefined) return;
    timer = setTimeout(() => {
      timer = undefined;
      // The writer is busy: the open batch fills on and closes once the one before was taken.
      if (onTheirWay > 0) emitted.then(closeDue, closeDue);
      else closeDue();
    }, Math.max(0, due - clock()));
  };
  const current = (chunk: EnrichedChunk): boolean => {
    const key = `${chunk.topic}\u0000${chunk.partition}`;
    const newest = newestEpoch.get(key) ?? -1;
    if (chunk.epoch < newest) return false;
    newestEpoch.set(key, chunk.epoch);
    return true;
  };

  return {
    handlers: {
      "batcher.add": async (chunk) => {
        if (++chunks === faults.crashOnNthChunk && ctx.incarnation === 0) {
          throw new Error(`injected batcher crash on chunk ${chunks} (test fault)`);
        }
        if (!current(chunk)) return;
        const closed = assembler.add(chunk, clock());
        // Nothing closed: take the next chunk even while a batch before is on its way. Closed
        // by size: wait until the runtime took it (and any before it), so a busy writer holds
        // the enrichers back.
        if (closed.length > 0) await emit(closed);
        else if (failed !== undefined) throw failed.error;
        arm();
      },
      "batcher.flush": async () => {
        const batch = assembler.flush();
        arm();
        await emit([batch]);
        return { closed: batch === undefined ? 0 : 1 };
      },
    },
    stop: async () => {
      if (timer !== undefined) clearTimeout(timer);
      await emit([assembler.flush()]);
    },
  };
}
