/**
 * Test helper: generated events (the real generator, seeded, more checkouts than the real mix)
 * as Kafka messages, with the total cart amount they carry: the sum of every
 * `cart_products[].amount` sent, the figure `SUM(cp.amount)` over the staged `summary` must give.
 */
import { enrichBatch, type KafkaMessage } from "../actors/enricher/enrich_batch.ts";
import { UserAgentCache } from "../actors/enricher/user_agent_cache.ts";
import type { Warehouse } from "../actors/writer/warehouse.ts";
import { packRows, unpackRows } from "../messages/packed_rows.ts";
import { isRecord } from "../actors/runtime/guards.ts";
import { generateMessages } from "../tools/produce/mod.ts";

/** Generated messages and what their carts hold. */
export interface GeneratedCarts {
  readonly messages: KafkaMessage[];
  /** Sum of `cart_products[].amount` over all messages, as sent. */
  readonly totalAmount: number;
  /** Messages that carry a cart with amounts. */
  readonly cartsWithAmounts: number;
}

const decoder = new TextDecoder();

/** `count` generated messages on `topic` partition 0, offsets from 0. */
export function generatedCarts(count: number, topic = "clickstream", seed = 7): GeneratedCarts {
  let totalAmount = 0;
  let cartsWithAmounts = 0;
  const messages: KafkaMessage[] = [];
  for (
    const m of generateMessages({
      seed,
      count,
      collectionWeights: { checkout_success: 5, checkout: 3 },
    })
  ) {
    const sent: unknown = JSON.parse(decoder.decode(m.value));
    if (!isRecord(sent)) throw new TypeError(`Generated message ${m.index} is not an object`);
    const cart = sent.cart_products;
    let amounts = 0;
    for (const line of Array.isArray(cart) ? cart : []) {
      if (isRecord(line) && typeof line.amount === "number") amounts += line.amount;
    }
    if (amounts > 0) cartsWithAmounts++;
    totalAmount += amounts;
    const timestampMs = Number(sent.time_stamp) * 1000 + 250;
    messages.push({ topic, partition: 0, offset: m.index, timestampMs, key: null, value: m.value });
  }
  return { messages, totalAmount, cartsWithAmounts };
}

/**
 * Enriches `messages` as an enricher would and writes them in two batches, the rows packed and
 * cloned across a Worker boundary as in the pipeline, sealing the generation after the first: the
 * staged rows then span a sealed and an open generation. Returns how many messages the sealed
 * generation got.
 */
export async function writeAcrossTwoGenerations(
  warehouse: Warehouse,
  messages: readonly KafkaMessage[],
): Promise<number> {
  const context = { userAgents: new UserAgentCache() };
  const half = Math.floor(messages.length / 2);
  for (const [i, part] of [messages.slice(0, half), messages.slice(half)].entries()) {
    const enriched = enrichBatch(part, context);
    const rows = unpackRows(structuredClone(packRows(enriched.rows)));
    await warehouse.writeBatch({ rows, deadLetters: enriched.deadLetters });
    if (i === 0) await warehouse.sealGeneration();
  }
  return half;
}
