/**
 * What never reaches a log line: credentials inside URLs (`https://user:secret@host`, and
 * `token=`, `key=`, `signature=`... query parameters) and bytes (message payloads, which hold
 * personal data). The logger passes every field through `redactForLog`.
 */

// scheme://user[:password]@ -> scheme://***@
const USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/\s@?#]+@/gi;
// ?token=... &access_token=... (values up to the next separator)
const SECRET_PARAM =
  /([?&](?:token|access_token|refresh_token|id_token|key|api_key|apikey|password|passwd|secret|client_secret|sig|signature|x-goog-signature|x-goog-credential)=)[^&#\s"'<>]*/gi;

/** `text` with URL credentials replaced by `***`. */
export function redactText(text: string): string {
  if (!text.includes("://") && !text.includes("=")) return text;
  return text.replace(USERINFO, "$1***@").replace(SECRET_PARAM, "$1***");
}

const MAX_DEPTH = 8;

function byteLength(value: ArrayBuffer | ArrayBufferView): number {
  return value.byteLength;
}

/** A copy of `value` fit for a log line: strings redacted, bytes replaced by their length. */
export function redactForLog(value: unknown, depth = 0): unknown {
  if (typeof value === "string") return redactText(value);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) {
    return `[${byteLength(value)} bytes not logged]`;
  }
  if (value instanceof Error) {
    return {
      name: value.name,
      message: redactText(value.message),
      cause: redactForLog(value.cause, depth + 1),
    };
  }
  if (depth >= MAX_DEPTH) return "[nested too deep to log]";
  if (Array.isArray(value)) return value.map((item) => redactForLog(item, depth + 1));
  if ("toJSON" in value && typeof value.toJSON === "function") {
    return redactForLog(value.toJSON(), depth + 1);
  }
  // A Buffer after JSON conversion elsewhere: { type: "Buffer", data: [...] }.
  if ("type" in value && value.type === "Buffer" && "data" in value && Array.isArray(value.data)) {
    return `[${value.data.length} bytes not logged]`;
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = redactForLog(item, depth + 1);
  return out;
}
