/**
 * Streams text lines out of a byte stream, with 1-based line numbers, without holding the whole
 * input: the CSV builder and the lookup tool read multi-hundred-megabyte files through it.
 */

/** Callbacks of `readLines`. */
export interface LineHandlers {
  /** Called for each line, without its "\n" or "\r\n". */
  readonly onLine: (line: string, lineNumber: number) => void;
  /** Called with each raw chunk before its lines (e.g. to hash the source). */
  readonly onChunk?: (bytes: Uint8Array) => void;
  /** Awaited after the lines of each chunk (e.g. to flush output with backpressure). */
  readonly afterChunk?: () => Promise<void> | void;
}

/** Reads `stream` to its end, calling the handlers; returns the number of lines. */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  handlers: LineHandlers,
): Promise<number> {
  const decoder = new TextDecoder("utf-8", { ignoreBOM: false });
  let carry = "";
  let lineNumber = 0;
  const emit = (line: string) =>
    handlers.onLine(line.endsWith("\r") ? line.slice(0, -1) : line, ++lineNumber);
  for await (const chunk of stream) {
    handlers.onChunk?.(chunk);
    const text = carry + decoder.decode(chunk, { stream: true });
    let from = 0;
    for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", from)) {
      emit(text.slice(from, nl));
      from = nl + 1;
    }
    carry = text.slice(from);
    await handlers.afterChunk?.();
  }
  carry += decoder.decode();
  if (carry.length > 0) emit(carry);
  await handlers.afterChunk?.();
  return lineNumber;
}
