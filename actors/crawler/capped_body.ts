/**
 * Reads a response body as a stream up to a byte cap: past the cap the stream is cancelled, so
 * a huge or endless page costs at most `maxBytes` of memory and stops arriving.
 */

/** The text read and whether the body was cut at the cap. */
export interface CappedBody {
  readonly text: string;
  readonly bytes: number;
  readonly truncated: boolean;
}

/** Reads up to `maxBytes` of `body` and decodes it as UTF-8 (invalid bytes become U+FFFD). */
export async function readCappedBody(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<CappedBody> {
  if (body === null) return { text: "", bytes: 0, truncated: false };
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let bytes = 0;
  let truncated = false;
  try {
    while (true) {
      const { done, value } = await reader.read();
      if (done) break;
      const room = maxBytes - bytes;
      if (value.byteLength > room) {
        if (room > 0) chunks.push(value.subarray(0, room));
        bytes += Math.max(0, room);
        truncated = true;
        break;
      }
      chunks.push(value);
      bytes += value.byteLength;
    }
  } finally {
    if (truncated) await reader.cancel("response larger than the crawler's byte cap");
    reader.releaseLock();
  }
  const whole = new Uint8Array(bytes);
  let at = 0;
  for (const chunk of chunks) {
    whole.set(chunk, at);
    at += chunk.byteLength;
  }
  return { text: new TextDecoder().decode(whole), bytes, truncated };
}
