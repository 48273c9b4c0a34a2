/**
 * One HTTP/1.1 GET on its own connection, for the crawler. `fetch` reads ahead of its caller
 * (measured: with a 1 MiB cap, 5.8 MB had left a local server when the body was cancelled; 3.8 MB
 * with a plain socket, the rest of it the kernel's buffers), so here the body is read from the
 * socket in small reads only as the caller pulls, and the connection closes as soon as the
 * caller stops or the body ends. No redirects (the caller checks each hop), no pooling, no proxy.
 */

/** A response whose body is pulled from the socket on demand. */
export interface HttpGetResponse {
  readonly status: number;
  readonly headers: Headers;
  /** The body with its framing (and gzip/deflate) undone; cancelling it closes the connection. */
  readonly body: ReadableStream<Uint8Array>;
  /** Bytes received on the connection so far, head included. */
  received(): number;
}

/** The connection failed or the server answered something that is not HTTP/1.x. */
export class HttpGetError extends TypeError {
  override name = "HttpGetError";
}

type Bytes = Uint8Array<ArrayBuffer>;
const READ_BYTES = 16 * 1024;
const MAX_HEAD_BYTES = 64 * 1024;
const MAX_LINE_BYTES = 4 * 1024;
const STATUS_LINE = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/;
const encoder = new TextEncoder();

/** Whether an error is this process lacking a permission (a configuration problem, rethrown). */
function isPermission(error: unknown): boolean {
  return error instanceof Deno.errors.NotCapable || error instanceof Deno.errors.PermissionDenied;
}

function asGetError(error: unknown, url: URL): unknown {
  if (isPermission(error) || error instanceof HttpGetError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new HttpGetError(`GET ${url.origin}: ${message}`, { cause: error });
}

/** TLS settings beyond the defaults (Deno's root certificates). */
export interface HttpGetTls {
  /** PEM certificates trusted besides the roots (a private CA, a test server). */
  readonly caCerts?: readonly string[];
}

/** Sends `GET url` with `headers`; `signal` closes the connection at any point. */
export async function httpGet(
  url: URL,
  headers: Readonly<Record<string, string>>,
  signal: AbortSignal,
  tls: HttpGetTls = {},
): Promise<HttpGetResponse> {
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new HttpGetError(`Cannot GET ${url.protocol} URLs`);
  }
  for (const [name, value] of Object.entries(headers)) {
    if (/[\r\n]/.test(name + value)) throw new RangeError(`Header ${name} holds a line break`);
  }
  signal.throwIfAborted();
  const hostname = url.hostname.replace(/^\[|\]$/g, "");
  const port = Number(url.port || (url.protocol === "https:" ? 443 : 80));
  let conn: Deno.Conn;
  try {
    conn = url.protocol === "https:"
      ? await Deno.connectTls({ hostname, port, caCerts: [...tls.caCerts ?? []] })
      : await Deno.connect({ hostname, port });
  } catch (error) {
    throw asGetError(error, url);
  }
  const socket = new Socket(conn, signal);
  try {
    const lines = [
      `GET ${url.pathname}${url.search} HTTP/1.1`,
      `host: ${url.host}`,
      ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
      "accept-encoding: gzip, deflate",
      "connection: close",
    ];
    await socket.write(encoder.encode(lines.join("\r\n") + "\r\n\r\n"));
    let head = await readHead(socket);
    while (head.status >= 100 && head.status <= 199) head = await readHead(socket); // 100, 103
    const coding = contentCoding(head.headers, url);
    const body = decoded(bodyStream(socket, head, url), coding);
    return { status: head.status, headers: head.headers, body, received: () => socket.received };
  } catch (error) {
    socket.close();
    throw asGetError(error, url);
  }
}

/** A connection read in small pieces, with bytes put back for the next read. */
class Socket {
  received = 0;
  #pending: Bytes = new Uint8Array(0);
  #closed = false;
  readonly #onAbort = () => this.close();

  constructor(readonly conn: Deno.Conn, readonly signal: AbortSignal) {
    signal.addEventListener("abort", this.#onAbort, { once: true });
  }

  async write(bytes: Uint8Array): Promise<void> {
    for (let at = 0; at < bytes.byteLength;) at += await this.conn.write(bytes.subarray(at));
  }

  /** Up to `max` bytes (put-back bytes first); null at the end of the stream. */
  async read(max = READ_BYTES): Promise<Bytes | null> {
    if (this.#pending.byteLength > 0) {
      const out = this.#pending.subarray(0, max);
      this.#pending = this.#pending.subarray(out.byteLength);
      return out;
    }
    const buffer = new Uint8Array(Math.min(max, READ_BYTES));
    const n = await this.conn.read(buffer);
    if (n === null) return null;
    this.received += n;
    return buffer.subarray(0, n);
  }

  unread(bytes: Bytes): void {
    this.#pending = concat(bytes, this.#pending);
  }

  /** Reads one CRLF-ended line (without the CRLF); `HttpGetError` past `MAX_LINE_BYTES`. */
  async line(): Promise<string> {
    let line: Bytes = new Uint8Array(0);
    while (true) {
      const chunk = await this.read();
      if (chunk === null) throw new HttpGetError("Connection closed in the middle of a line");
      line = concat(line, chunk);
      const end = line.indexOf(0x0a);
      if (end >= 0) {
        this.unread(line.subarray(end + 1));
        const text = latin1(line.subarray(0, end));
        return text.endsWith("\r") ? text.slice(0, -1) : text;
      }
      if (line.byteLength > MAX_LINE_BYTES) throw new HttpGetError("Response line too long");
    }
  }

  close(): void {
    this.signal.removeEventListener("abort", this.#onAbort);
    if (this.#closed) return;
    this.#closed = true;
    this.conn.close();
  }
}

function concat(a: Bytes, b: Bytes): Bytes {
  if (a.byteLength === 0) return b;
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

function latin1(bytes: Uint8Array): string {
  let text = "";
  for (const b of bytes) text += String.fromCharCode(b);
  return text;
}

interface ResponseHead {
  readonly status: number;
  readonly headers: Headers;
}

async function readHead(socket: Socket): Promise<ResponseHead> {
  const statusLine = await socket.line();
  const status = STATUS_LINE.exec(statusLine)?.[1];
  if (status === undefined) {
    throw new HttpGetError(`Not an HTTP/1.x response: ${JSON.stringify(statusLine.slice(0, 80))}`);
  }
  const headers = new Headers();
  let bytes = statusLine.length;
  while (true) {
    const line = await socket.line();
    if (line === "") break;
    bytes += line.length;
    if (bytes > MAX_HEAD_BYTES) {
      throw new HttpGetError(`Response head over ${MAX_HEAD_BYTES} bytes`);
    }
    const colon = line.indexOf(":");
    if (colon <= 0) throw new HttpGetError(`Malformed header line ${JSON.stringify(line)}`);
    try {
      headers.append(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
    } catch (error) {
      if (!(error instanceof TypeError)) throw error;
      throw new HttpGetError(`Malformed header line ${JSON.stringify(line)}`, { cause: error });
    }
  }
  return { status: Number(status), headers };
}

/** The body as a stream, framed by chunked encoding, Content-Length or the connection's end. */
function bodyStream(socket: Socket, head: ResponseHead, url: URL): ReadableStream<Bytes> {
  const te = head.headers.get("transfer-encoding")?.toLowerCase() ?? "";
  const length = head.headers.get("content-length");
  let left = head.status === 204 || head.status === 304 ? 0 : Infinity;
  if (!te.endsWith("chunked") && length !== null) {
    if (!/^\d{1,15}$/.test(length.trim())) throw new HttpGetError(`Bad Content-Length ${length}`);
    left = Number(length.trim());
  }
  let chunkLeft = te.endsWith("chunked") ? 0 : -1; // -1: not chunked
  const next = async (): Promise<Bytes | null> => {
    if (chunkLeft === 0) {
      const size = /^([0-9a-fA-F]{1,12})(?:;.*)?$/.exec(await socket.line())?.[1];
      if (size === undefined) throw new HttpGetError("Malformed chunk size");
      chunkLeft = parseInt(size, 16);
      if (chunkLeft === 0) return null; // trailers are not read: the connection closes
    }
    const want = chunkLeft > 0 ? chunkLeft : left;
    if (want <= 0) return null;
    const piece = await socket.read(Math.min(READ_BYTES, want));
    if (piece === null) {
      if (left === Infinity && chunkLeft < 0) return null; // ends with the connection
      throw new HttpGetError("Connection closed before the body ended");
    }
    if (chunkLeft > 0) {
      chunkLeft -= piece.byteLength;
      if (chunkLeft === 0 && (await socket.line()) !== "") {
        throw new HttpGetError("Chunk not followed by CRLF");
      }
    } else {
      left -= piece.byteLength;
    }
    return piece;
  };
  return new ReadableStream<Bytes>({
    async pull(controller) {
      try {
        const piece = await next();
        if (piece === null) {
          socket.close();
          controller.close();
        } else {
          controller.enqueue(piece);
        }
      } catch (error) {
        socket.close();
        controller.error(asGetError(error, url));
      }
    },
    cancel() {
      socket.close();
    },
  }, { highWaterMark: 0 });
}

type Coding = "identity" | "gzip" | "deflate";

/** The response's content coding; `HttpGetError` for one the crawler cannot undo. */
function contentCoding(headers: Headers, url: URL): Coding {
  const coding = headers.get("content-encoding")?.trim().toLowerCase() ?? "identity";
  if (coding === "identity" || coding === "") return "identity";
  if (coding === "gzip" || coding === "x-gzip") return "gzip";
  if (coding === "deflate") return "deflate";
  throw new HttpGetError(`${url.origin} answered with unsupported Content-Encoding ${coding}`);
}

/** Undoes the content coding (the decoded bytes are what the byte cap counts). */
function decoded(body: ReadableStream<Bytes>, coding: Coding): ReadableStream<Uint8Array> {
  return coding === "identity" ? body : body.pipeThrough(new DecompressionStream(coding));
}
