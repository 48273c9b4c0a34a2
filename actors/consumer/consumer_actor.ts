/**
 * Worker entry of the consumer actor: a kafkajs group member that emits packed chunks (their
 * buffers transferred) and commits only acknowledged offsets. Each incarnation gets its own
 * range of chunk ids and epochs, so acks meant for a crashed predecessor are ignored.
 */
import { CONSUMER_PROTOCOL, isConsumerArgs } from "../../messages/consumer.ts";
import { chunkTransferables, packChunk } from "../../messages/packed_chunk.ts";
import { serve } from "../runtime/serve.ts";
import { kafkaClient } from "./kafka_client.ts";
import { KafkaSource } from "./kafka_source.ts";

serve(CONSUMER_PROTOCOL, isConsumerArgs, async (args, ctx) => {
  const kafka = kafkaClient(args.kafka, `${args.clientId}-${ctx.incarnation}`);
  const source = new KafkaSource(kafka, {
    ...args.source,
    idBase: ctx.incarnation * 1e9 + 1,
    epochBase: ctx.incarnation * 1e6,
  }, {
    send: async (chunk) => {
      const packed = packChunk(chunk, chunk.records);
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
      }),
    },
    stop: () => source.stop(() => Promise.resolve(), 0),
  };
});
