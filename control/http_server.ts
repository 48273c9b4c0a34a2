/**
 * A small HTTP/1.1 server on `Deno.listen` for the control plane. `Deno.serve` has no header
 * timeout, idle timeout or connection cap (measured on Deno 2.9.6: idle, half-sent and kept-alive
 * sockets all stayed open past 70 s), so this one enforces them: a request's head and body must
 * arrive within `headerTimeoutMs`, a kept-alive connection waits `idleTimeoutMs` for its next
 * request, a client must take its response within `writeTimeoutMs`, and past `maxConnections`
 * a new connection is answered 503 and closed. One request at a time per connection.
 */
import { getLogger } from "../observability/log.ts";
import { headEnd, HttpWireError, parseRequestHead, responseHead } from "./http_wire.ts";

const log = getLogger("control");

/** Bounds on what one client can hold. */
export interface HttpLimits {
  /** Time for a request's head and body to arrive, from the connection or its first byte. */
  readonly headerTimeoutMs: number;
  /** Time a kept-alive connection may sit without a request. */
  readonly idleTimeoutMs: number;
  /** Time a client has to take a response. */
  readonly writeTimeoutMs: number;
  /** Open connections at once; more are answered 503 and closed. */
  readonly maxConnections: number;
  /** Size of a request head (request line and headers). */
  readonly maxHeadBytes: number;
  /** Size of a request body. */
  readonly maxBodyBytes: number;
}

/** Defaults for a control plane: a few operators, probes and a scraper. */
export const CONTROL_HTTP_LIMITS: HttpLimits = Object.freeze({
  headerTimeoutMs: 10_000,
  idleTimeoutMs: 5_000,
  writeTimeoutMs: 30_000,
  maxConnections: 128,
  maxHeadBytes: 16 * 1024,
  maxBodyBytes: 64 * 1024,
});

/** Answers one request; a throw becomes a bare 500 (the caller should answer its own errors). */
export type HttpHandler = (request: Request) => Promise<Response>;

/** A running server. */
export interface HttpServer {
  readonly addr: Deno.NetAddr;
  /** Connections open now. */
  readonly connections: number;
  /** Stops accepting, closes idle connections, and resolves when the busy ones finished. */
  shutdown(): Promise<void>;
}

/** Whether `error` is the socket going away (closed by us on a timeout, or by the peer). */
function isGone(error: unknown): boolean {
  return error instanceof Deno.errors.BadResource || error instanceof Deno.errors.Interrupted ||
    error instanceof Deno.errors.ConnectionReset || error instanceof Deno.errors.BrokenPipe ||
    error instanceof Deno.errors.NotConnected;
}

const plain = (status: number, text: string) =>
  new Response(text + "\n", { status, headers: { "content-type": "text/plain; charset=utf-8" } });

/** Serves `handler` on `hostname:port` (0 picks a free port) within `limits`. */
export function serveHttp(
  listen: { hostname: string; port: number },
  handler: HttpHandler,
  limits: HttpLimits = CONTROL_HTTP_LIMITS,
): HttpServer {
  const listener = Deno.listen({ hostname: listen.hostname, port: listen.port });
  const addr = listener.addr;
  const open = new Set<Connection>();
  const tasks = new Set<Promise<void>>();
  let closing = false;
  const track = (task: Promise<void>) => {
    // A bug in one connection is logged, not allowed to end the process.
    const settled: Promise<void> = task
      .catch((error: unknown) => log.error("ControlConnectionFailed", { error }))
      .finally(() => tasks.delete(settled));
    tasks.add(settled);
  };
  const base = `http://${
    addr.hostname.includes(":") ? `[${addr.hostname}]` : addr.hostname
  }:${addr.port}`;

  const accepting = (async () => {
    while (!closing) {
      let conn: Deno.TcpConn;
      try {
        conn = await listener.accept();
      } catch (error) {
        if (closing && isGone(error)) return;
        // Out of file descriptors and the like: say so and try again shortly.
        log.warn("ControlAcceptFailed", { error });
        await new Promise((resolve) => setTimeout(resolve, 100));
        continue;
      }
      if (open.size >= limits.maxConnections) {
        track(refuse(conn, limits));
        continue;
      }
      const connection = new Connection(conn, base, handler, limits);
      open.add(connection);
      track(connection.serve().finally(() => open.delete(connection)));
    }
  })();

  return {
    addr,
    get connections() {
      return open.size;
    },
    async shutdown() {
      closing = true;
      listener.close();
      await accepting;
      for (const connection of open) connection.closeWhenIdle();
      while (tasks.size > 0) await Promise.allSettled([...tasks]);
    },
  };
}

/** Answers 503 to a connection over the cap and closes it. */
async function refuse(conn: Deno.TcpConn, limits: HttpLimits): Promise<void> {
  const text = `Too many connections (limit ${limits.maxConnections}); try again\n`;
  const body = new TextEncoder().encode(text);
  const head = responseHead(503, new Headers({ "retry-after": "1" }), body.byteLength, false);
  const timer = setTimeout(() => conn.close(), 1_000);
  try {
    await writeAll(conn, concat(head, body));
  } catch (error) {
    if (!isGone(error)) throw error;
  } finally {
    clearTimeout(timer);
    closeQuietly(conn);
  }
}

function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error) {
    if (!(error instanceof Deno.errors.BadResource)) throw error; // already closed
  }
}

async function writeAll(conn: Deno.Conn, bytes: Uint8Array): Promise<void> {
  for (let at = 0; at < bytes.byteLength;) at += await conn.write(bytes.subarray(at));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a);
  out.set(b, a.byteLength);
  return out;
}

/** One client connection: reads requests under deadlines and writes the responses. */
class Connection {
  #buffer: Uint8Array = new Uint8Array(0);
  #timer: ReturnType<typeof setTimeout> | undefined;
  #closed = false;
  #busy = false;
  #closeWhenIdle = false;

  constructor(
    readonly conn: Deno.TcpConn,
    readonly base: string,
    readonly handler: HttpHandler,
    readonly limits: HttpLimits,
  ) {
    conn.setNoDelay(true);
  }

  /** Closes now when waiting for a request, else after the current response. */
  closeWhenIdle(): void {
    this.#closeWhenIdle = true;
    if (!this.#busy) this.#close();
  }

  async serve(): Promise<void> {
    try {
      for (let first = true; !this.#closed && !this.#closeWhenIdle; first = false) {
        const request = await this.#readRequest(first);
        if (request === undefined) return;
        this.#busy = true;
        const response = await this.#answer(request.request);
        const keepAlive = request.keepAlive && !this.#closeWhenIdle;
        await this.#write(response, request.request.method === "HEAD", keepAlive);
        this.#busy = false;
        if (!keepAlive) return;
      }
    } catch (error) {
      if (error instanceof HttpWireError) await this.#refuse(error);
      else if (!isGone(error)) throw error;
    } finally {
      this.#close();
    }
  }

  /** Answers a request the wire refused, then the connection closes. */
  async #refuse(error: HttpWireError): Promise<void> {
    try {
      await this.#write(plain(error.status, error.message), false, false);
    } catch (writeError) {
      if (!isGone(writeError)) throw writeError;
    }
  }

  async #answer(request: Request): Promise<Response> {
    try {
      return await this.handler(request);
    } catch (error) {
      const id = crypto.randomUUID();
      log.error("ControlRequestFailed", { id, error });
      return plain(500, `Internal error ${id} (logged as ControlRequestFailed)`);
    }
  }

  /** The next request, or undefined when the client closed (or idled out) between requests. */
  async #readRequest(
    first: boolean,
  ): Promise<{ request: Request; keepAlive: boolean } | undefined> {
    const { headerTimeoutMs, idleTimeoutMs, maxHeadBytes, maxBodyBytes } = this.limits;
    if (first || this.#buffer.byteLength > 0) this.#arm(headerTimeoutMs);
    else this.#arm(idleTimeoutMs);
    let end = headEnd(this.#buffer);
    while (end < 0) {
      if (this.#buffer.byteLength > maxHeadBytes) {
        throw new HttpWireError(431, `Request head is over ${maxHeadBytes} bytes`);
      }
      const waitingForFirstByte = this.#buffer.byteLength === 0;
      const scanned = this.#buffer.byteLength;
      if (!await this.#fill()) return undefined;
      if (waitingForFirstByte && !first) this.#arm(headerTimeoutMs);
      end = headEnd(this.#buffer, scanned);
    }
    if (end > maxHeadBytes) {
      throw new HttpWireError(431, `Request head is over ${maxHeadBytes} bytes`);
    }
    const head = parseRequestHead(this.#buffer.subarray(0, end), maxBodyBytes);
    while (this.#buffer.byteLength < end + head.contentLength) {
      if (!await this.#fill()) return undefined;
    }
    this.#disarm();
    const body = this.#buffer.slice(end, end + head.contentLength);
    this.#buffer = this.#buffer.slice(end + head.contentLength);
    let request: Request;
    try {
      request = new Request(this.base + head.target, {
        method: head.method,
        headers: head.headers,
        body: head.method === "GET" || head.method === "HEAD" ? null : body,
      });
    } catch (error) {
      // Header values or a method the Fetch API refuses (e.g. non-Latin-1 text, CONNECT).
      if (error instanceof TypeError) throw new HttpWireError(400, error.message);
      throw error;
    }
    return { request, keepAlive: head.keepAlive };
  }

  /** Reads more bytes into the buffer; false at end of stream. */
  async #fill(): Promise<boolean> {
    const chunk = new Uint8Array(4096);
    const n = await this.conn.read(chunk);
    if (n === null) return false;
    this.#buffer = concat(this.#buffer, chunk.subarray(0, n));
    return true;
  }

  async #write(response: Response, head: boolean, keepAlive: boolean): Promise<void> {
    const body = new Uint8Array(await response.arrayBuffer());
    const bytes = responseHead(response.status, response.headers, body.byteLength, keepAlive);
    this.#arm(this.limits.writeTimeoutMs);
    try {
      await writeAll(this.conn, head ? bytes : concat(bytes, body));
    } finally {
      this.#disarm();
    }
  }

  /** Closes the connection when `ms` pass before the next `#disarm`. */
  #arm(ms: number): void {
    this.#disarm();
    this.#timer = setTimeout(() => this.#close(), ms);
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #close(): void {
    this.#disarm();
    if (this.#closed) return;
    this.#closed = true;
    closeQuietly(this.conn);
  }
}
