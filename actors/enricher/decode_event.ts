/**
 * A Kafka message value -> the event object it carries, or the reason it carries none: bytes
 * that are not UTF-8 (`not_utf8`), text that is not JSON (`not_json`), JSON that is not an
 * object (`not_object`). Those codes are the dead letters' low-cardinality reason codes.
 */

import { Buffer, isAscii } from "node:buffer";
import { isRecord } from "../runtime/guards.ts";

/** Why a value carries no event. */
export type RejectCode = "not_utf8" | "not_json" | "not_object";

/** The outcome of decoding one value. */
export type Decoded =
  | { readonly ok: true; readonly event: Record<string, unknown> }
  | { readonly ok: false; readonly code: RejectCode; readonly reason: string };

const decoder = new TextDecoder("utf-8", { fatal: true });

function jsonType(value: unknown): string {
  if (value === null) return "null";
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

/**
 * The text of `value`. All-ASCII bytes (97% of events) are valid UTF-8 and read as Latin-1 (the
 * same characters), which costs a third of the fatal decoder's UTF-8 check and decode; any other
 * value goes through the fatal decoder, which strips a BOM and rejects what is not UTF-8.
 */
function textOf(value: Uint8Array): string {
  if (!isAscii(value)) return decoder.decode(value);
  return Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString("latin1");
}

/** Decodes one message value (UTF-8 JSON object). Never throws on bad input. */
export function decodeEvent(value: Uint8Array): Decoded {
  let text: string;
  try {
    text = textOf(value);
  } catch (error) {
    // The fatal decoder's one failure: a byte sequence that is not UTF-8.
    if (!(error instanceof TypeError)) throw error;
    return {
      ok: false,
      code: "not_utf8",
      reason: `value (${value.byteLength} bytes) is not valid UTF-8: ${error.message}`,
    };
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    const what = text.length === 0 ? "value is empty" : "value is not JSON";
    return { ok: false, code: "not_json", reason: `${what}: ${error.message}` };
  }
  if (!isRecord(parsed)) {
    return {
      ok: false,
      code: "not_object",
      reason: `value is JSON but ${jsonType(parsed)}, not an object`,
    };
  }
  return { ok: true, event: parsed };
}
