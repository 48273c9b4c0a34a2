/**
 * How the exporter's asks reach the writer: each is one of the writer's own requests, passed on by
 * name with its body. The composition routes them to the writer's pool, a test to a writer
 * running in process.
 */
import type { EXPORTER_PROTOCOL } from "../../messages/exporter.ts";
import type { WRITER_PROTOCOL } from "../../messages/writer.ts";
import type { BodyOf, MessageOf, ReplyOf } from "../runtime/protocol.ts";

type Writer = typeof WRITER_PROTOCOL.accepts;

/** Something that answers the writer's requests. */
export type WriterRequests = <K extends keyof Writer & string>(
  name: K,
  body: BodyOf<Writer, K>,
) => Promise<ReplyOf<Writer, K>>;

/** Passes one of the exporter's asks on to `writer`. */
export function toWriter(
  message: MessageOf<typeof EXPORTER_PROTOCOL.asks>,
  writer: WriterRequests,
): Promise<unknown> {
  switch (message.type) {
    case "writer.currentGeneration":
      return writer(message.type, message.body);
    case "writer.countStaging":
      return writer(message.type, message.body);
    case "writer.seal":
      return writer(message.type, message.body);
    case "writer.listSealed":
      return writer(message.type, message.body);
    case "writer.exportParquet":
      return writer(message.type, message.body);
    case "writer.exportDimensions":
      return writer(message.type, message.body);
    case "writer.recordExport":
      return writer(message.type, message.body);
    case "writer.dropGeneration":
      return writer(message.type, message.body);
    default:
      return message satisfies never;
  }
}
