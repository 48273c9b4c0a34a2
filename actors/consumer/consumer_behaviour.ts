/**
 * The consumer actor's behaviour (its Worker entry is consumer_actor.ts): a kafkajs group member that emits packed chunks (their
 * buffers transferred) and commits only acknowledged offsets. Each incarnation gets its own
 * range of chunk ids and epochs, so acks meant for a crashed predecessor are ignored.
 */
import type { CONSUMER_PROTOCOL, ConsumerArgs } from "../../messages/consumer.ts";
import { chunkTransferables, packChunk } from "../../messages/packed_chunk.ts";
import type { ActorContext, Behaviour } from "../runtime/serve.ts";
import { kafkaClient } from "./kafka_client.ts";
import { KafkaSource } from "./kafka_source.ts";
import { fetchTopicId } from "./topic_identity.ts";

type Protocol = typeof CONSUMER_PROTOCOL;

/** Joins the consumer group (the source starts) and returns the behaviour. */
export async function startConsumer(
  args: ConsumerArgs,
  ctx: ActorContext<Protocol["emits"]>,
): Promise<Behaviour<Protocol["accepts"]>> {
  const clientId = `${args.clientId}-${ctx.incarnation}`;
  const kafka = kafkaClient(args.kafka, clientId);
  let commits = 0;
  const every = args.faults.failEveryNthCommit;
  const source = new KafkaSource(kafka, {
    ...args.source,
    idBase: ctx.incarnation * 1e9 + 1,
    epochBase: ctx.incarnation * 1e6,
    topicId: () => fetchTopicId(args.kafka, clientId, args.source.topic),
    ...(every > 0
      ? {
        beforeCommit: () => {
          if (++commits % every === 0) throw new Error(`injected failure of commit ${commits}`);
        },
      }
      : {}),
    // kafkajs stopped for good: crash, so the pool starts a fresh member.
    onFatal: (error) =>
      queueMicrotask(() => {
        throw new Error("The Kafka consumer stopped", { cause: error });
      }),
  }, {
    send: async ({ records, ...header }) => {
      // Only the header and the packed columns cross: the records' values are views of kafkajs's
      // fetch buffers, and a clone of a view copies its whole buffer (to the host and on to the
      // enricher: bench ingest measured host 4.8 -> 1.4 µs CPU per event without them).
      const packed = packChunk(header, records);
      await ctx.emit("consumer.chunkRead", packed, chunkTransferables(packed));
    },
  });
  await source.start();
  return {
    handlers: {
      "consumer.ack": ({ chunkIds }) => source.ack(chunkIds),
      "consumer.pause": async () => {
        await source.pause();
        return { pendingChunks: source.pending() };
      },
      "consumer.commit": async () => {
        await source.commitNow();
        return { pendingChunks: source.pending() };
      },
      "consumer.lag": () => ({
        partitions: [...source.lag].map(([partition, l]) => ({ partition, ...l })),
        delivered: source.delivered,
        paused: [...source.paused],
        halted: [...source.halted].map(([partition, reason]) => ({ partition, reason })),
        commitFailures: source.commitFailures,
      }),
      "consumer.haltPartition": ({ partition, reason }) => source.halt(partition, reason),
    },
    stop: () => source.stop(() => Promise.resolve(), 0),
  };
}
