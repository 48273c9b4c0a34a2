/**
 * The enricher actor's behaviour (its Worker entry is enricher_actor.ts): maps the geoip range table (when configured), unpacks each chunk,
 * enriches it, and emits rows and dead letters with the chunk's identity and position. An event
 * whose enrichment throws becomes one dead letter; only a Worker that dies outside the handler
 * loses its chunk, which the pool then turns into one `poison` dead letter per event.
 */
import type { ENRICHER_PROTOCOL, EnricherArgs, EventCoordinates } from "../../messages/enricher.ts";
import { type PackedChunk, valueAt } from "../../messages/packed_chunk.ts";
import { packRows, rowsTransferables } from "../../messages/packed_rows.ts";
import { CachedGeoLookup } from "../geoip/cached_lookup.ts";
import { openTable } from "../geoip/open_table.ts";
import type { RangeTable } from "../geoip/range_table.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import { enrichBatch, type KafkaMessage } from "./enrich_batch.ts";
import { UserAgentCache } from "./user_agent_cache.ts";

function unpack(chunk: PackedChunk): KafkaMessage[] {
  return Array.from({ length: chunk.count }, (_, i) => ({
    topic: chunk.topic,
    partition: chunk.partition,
    offset: chunk.offsets[i] ?? -1,
    timestampMs: chunk.timestamps[i] ?? 0,
    key: null,
    value: valueAt(chunk, i),
  }));
}

const isAt = (m: KafkaMessage, at: EventCoordinates) =>
  m.partition === at.partition && m.offset === at.offset;

type Protocol = typeof ENRICHER_PROTOCOL;

/** Maps the range table named in `args` (when there is one) and returns the behaviour. */
export async function startEnricher(
  args: EnricherArgs,
  ctx: ActorContext<Protocol["emits"]>,
): Promise<Behaviour<Protocol["accepts"]>> {
  const userAgents = new UserAgentCache(args.userAgentCacheSize);
  // The mapped table, and a cache of its answers (IPs repeat within sessions).
  let table: RangeTable | undefined = args.geoipTable === null
    ? undefined
    : await openTable(args.geoipTable, "auto");
  let geo = table === undefined ? undefined : new CachedGeoLookup(table);
  return {
    handlers: {
      "enricher.enrich": async (chunk) => {
        const messages = unpack(chunk);
        const crash = args.faults.crashAt;
        if (crash !== null && messages.some((m) => isAt(m, crash))) {
          // Test fault: the Worker dies from a timer, so it cannot say which chunk killed it.
          return new Promise<void>(() => {
            setTimeout(() => {
              throw new Error(`injected enricher crash at ${crash.partition}@${crash.offset}`);
            }, 0);
          });
        }
        const out = enrichBatch(messages, { userAgents, geo }, args.faults);
        const { chunkId, topic, partition, epoch, seq, position } = chunk;
        const rows = packRows(out.rows);
        await ctx.emit("enricher.enriched", {
          chunkId,
          topic,
          partition,
          epoch,
          seq,
          position,
          rows,
          deadLetters: out.deadLetters,
        }, rowsTransferables(rows));
      },
      // Handled between chunks, so no lookup can be using the table being closed.
      "enricher.useTable": async ({ path }) => {
        const next = path === null ? undefined : await openTable(path, "auto");
        const previous = table;
        table = next;
        geo = next === undefined ? undefined : new CachedGeoLookup(next);
        previous?.close();
      },
    },
    stop: () => table?.close(),
  };
}
