/**
 * The one failure the enricher reports to its caller: staging a decodable event threw (a bug,
 * or a broken geo table). It names the message so the runtime can retry the batch and, if the
 * same event fails again, dead-letter that event alone as poison instead of stalling.
 */

/** Enriching the message at `topic`/`partition`/`offset` threw; the cause is attached. */
export class EnrichError extends Error {
  override readonly name = "EnrichError";
  /** Topic of the message that failed. */
  readonly topic: string;
  /** Partition of the message that failed. */
  readonly partition: number;
  /** Offset of the message that failed. */
  readonly offset: number;

  /** An error for the message at the given coordinates, caused by `cause`. */
  constructor(topic: string, partition: number, offset: number, cause: unknown) {
    const why = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    super(`Cannot enrich message ${topic}/${partition}@${offset}: ${why}`, { cause });
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
  }
}
