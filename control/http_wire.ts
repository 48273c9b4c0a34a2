/**
 * HTTP/1.1 on the wire for the control server: parses a request head strictly (RFC 9112: CRLF
 * lines, one Host, a plain Content-Length, no obs-fold, no Transfer-Encoding) and writes a
 * response head. Anything it does not accept is an `HttpWireError` carrying the status to send.
 */

/** A request head that parsed. */
export interface RequestHead {
  readonly method: string;
  /** Origin-form target: `/path?query`. */
  readonly target: string;
  readonly version: "1.0" | "1.1";
  /** Header fields in arrival order, names lower-cased. */
  readonly headers: readonly [string, string][];
  /** Body length from Content-Length (0 without one). */
  readonly contentLength: number;
  /** Whether the connection stays open after the response. */
  readonly keepAlive: boolean;
}

/** A request the server refuses before any handler sees it, with the status to answer. */
export class HttpWireError extends Error {
  override name = "HttpWireError";
  constructor(readonly status: 400 | 413 | 431 | 501 | 505, message: string) {
    super(message);
  }
}

const REQUEST_LINE = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+) (\/[^ ]*) HTTP\/(\d\.\d)$/;
const FIELD = /^([!#$%&'*+\-.^_`|~0-9A-Za-z]+):[ \t]*(.*?)[ \t]*$/;
const CRLFCRLF = [0x0d, 0x0a, 0x0d, 0x0a];

/** Index just past the blank line ending a head in `bytes`, or -1 when it has not arrived. */
export function headEnd(bytes: Uint8Array, from = 0): number {
  for (let i = Math.max(0, from - 3); i + 3 < bytes.length; i++) {
    if (
      bytes[i] === CRLFCRLF[0] && bytes[i + 1] === CRLFCRLF[1] && bytes[i + 2] === CRLFCRLF[2] &&
      bytes[i + 3] === CRLFCRLF[3]
    ) return i + 4;
  }
  return -1;
}

/** Bytes as Latin-1 text (one char per byte); control bytes other than HTAB, CR, LF refused. */
function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) {
    if ((b < 0x20 && b !== 0x09 && b !== 0x0d && b !== 0x0a) || b === 0x7f) {
      throw new HttpWireError(400, `Request head holds control byte 0x${b.toString(16)}`);
    }
    text += String.fromCharCode(b);
  }
  return text;
}

/** Parses a complete head (up to and including its blank line). */
export function parseRequestHead(bytes: Uint8Array, maxBodyBytes: number): RequestHead {
  const lines = latin1(bytes).split("\r\n");
  lines.length -= 2; // the head ends with CRLF CRLF: two empty strings after the split
  const [requestLine = "", ...fieldLines] = lines;
  const request = REQUEST_LINE.exec(requestLine);
  if (request === null) {
    throw new HttpWireError(400, `Malformed request line ${JSON.stringify(requestLine)}`);
  }
  const [, method = "", target = "", version = ""] = request;
  if (version !== "1.1" && version !== "1.0") {
    throw new HttpWireError(505, `HTTP/${version} is not supported; use HTTP/1.1`);
  }
  const headers: [string, string][] = [];
  for (const line of fieldLines) {
    const field = FIELD.exec(line);
    if (field === null) {
      throw new HttpWireError(400, `Malformed header line ${JSON.stringify(line.slice(0, 80))}`);
    }
    headers.push([(field[1] ?? "").toLowerCase(), field[2] ?? ""]);
  }
  const all = (name: string) => headers.filter(([n]) => n === name).map(([, v]) => v);
  if (all("transfer-encoding").length > 0) {
    throw new HttpWireError(501, "Transfer-Encoding in requests is not supported");
  }
  const hosts = all("host");
  if (version === "1.1" && hosts.length !== 1) {
    throw new HttpWireError(400, `HTTP/1.1 needs exactly one Host header, got ${hosts.length}`);
  }
  const lengths = all("content-length");
  if (lengths.length > 1 || (lengths[0] !== undefined && !/^\d{1,15}$/.test(lengths[0]))) {
    throw new HttpWireError(400, `Bad Content-Length ${JSON.stringify(lengths)}`);
  }
  const contentLength = Number(lengths[0] ?? "0");
  if (contentLength > maxBodyBytes) {
    throw new HttpWireError(413, `Body of ${contentLength} bytes is over ${maxBodyBytes}`);
  }
  const connection = all("connection").join(",").toLowerCase().split(",").map((t) => t.trim());
  const keepAlive = version === "1.1"
    ? !connection.includes("close")
    : connection.includes("keep-alive");
  return { method, target, version, headers, contentLength, keepAlive };
}

const REASONS: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  405: "Method Not Allowed",
  408: "Request Timeout",
  413: "Content Too Large",
  421: "Misdirected Request",
  431: "Request Header Fields Too Large",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "HTTP Version Not Supported",
};

/** The status line and headers of a response whose body is `bodyLength` bytes. */
export function responseHead(
  status: number,
  headers: Headers,
  bodyLength: number,
  keepAlive: boolean,
): Uint8Array {
  const lines = [`HTTP/1.1 ${status} ${REASONS[status] ?? "Status"}`];
  for (const [name, value] of headers) {
    if (name === "content-length" || name === "connection" || name === "transfer-encoding") {
      continue;
    }
    lines.push(`${name}: ${value}`);
  }
  lines.push(`content-length: ${bodyLength}`, `connection: ${keepAlive ? "keep-alive" : "close"}`);
  return new TextEncoder().encode(lines.join("\r\n") + "\r\n\r\n");
}
