import assert from "node:assert/strict";
import { CONTROL_HTTP_LIMITS, type HttpLimits, type HttpServer, serveHttp } from "./http_server.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function start(
  limits: Partial<HttpLimits> = {},
  handler = (request: Request) => Promise.resolve(new Response(new URL(request.url).pathname)),
): HttpServer {
  return serveHttp({ hostname: "127.0.0.1", port: 0 }, handler, {
    ...CONTROL_HTTP_LIMITS,
    ...limits,
  });
}

const connect = (server: HttpServer) =>
  Deno.connect({ hostname: "127.0.0.1", port: server.addr.port });

/** Reads until the server closes the socket; returns what came. */
async function readToEnd(conn: Deno.Conn): Promise<string> {
  const chunks: string[] = [];
  const buffer = new Uint8Array(65_536);
  try {
    while (true) {
      const n = await conn.read(buffer);
      if (n === null) break;
      chunks.push(decoder.decode(buffer.subarray(0, n)));
    }
  } catch (error) {
    if (!(error instanceof Deno.errors.ConnectionReset)) throw error;
  } finally {
    conn.close();
  }
  return chunks.join("");
}

async function exchange(server: HttpServer, text: string): Promise<string> {
  const conn = await connect(server);
  await conn.write(encoder.encode(text));
  return await readToEnd(conn);
}

Deno.test("3,000 idle sockets: the server holds at most its cap and closes every one in time", async () => {
  const server = start({ maxConnections: 64, headerTimeoutMs: 400 });
  try {
    const started = performance.now();
    const sockets: Deno.Conn[] = [];
    let peak = 0;
    for (let i = 0; i < 3_000; i++) {
      sockets.push(await connect(server));
      peak = Math.max(peak, server.connections);
    }
    assert.ok(peak <= 64, `${peak} connections held at once`);
    const answers = await Promise.all(sockets.map(readToEnd));
    const seconds = (performance.now() - started) / 1000;
    const refused = answers.filter((a) => a.startsWith("HTTP/1.1 503")).length;
    const silent = answers.filter((a) => a === "").length;
    assert.equal(refused + silent, 3_000, "every socket got a 503 or was closed unanswered");
    assert.ok(silent >= 64, `${silent} sockets were admitted and timed out`);
    assert.ok(seconds < 30, `all closed after ${seconds} s`);
    assert.equal(server.connections, 0);
    const ok = await fetch(`http://127.0.0.1:${server.addr.port}/still-here`);
    assert.equal(await ok.text(), "/still-here");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a head sent one byte at a time slower than the header timeout is cut off", async () => {
  const server = start({ headerTimeoutMs: 300 });
  try {
    const conn = await connect(server);
    const request = encoder.encode("GET /slow HTTP/1.1\r\nHost: x\r\nX-Filler: abcdefghij\r\n\r\n");
    let sent = 0;
    try {
      for (; sent < request.length; sent++) {
        await conn.write(request.subarray(sent, sent + 1));
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    } catch (error) {
      if (
        !(error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset)
      ) {
        throw error;
      }
    }
    assert.equal(await readToEnd(conn), "", "closed without an answer");
    assert.ok(sent < request.length, `the whole head got through (${sent} bytes)`);
  } finally {
    await server.shutdown();
  }
});

Deno.test("a kept-alive connection is answered, then closed once idle past the idle timeout", async () => {
  const server = start({ idleTimeoutMs: 200 });
  try {
    const conn = await connect(server);
    const started = performance.now();
    await conn.write(
      encoder.encode("GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n"),
    );
    const text = await readToEnd(conn);
    assert.match(text, /^HTTP\/1.1 200 OK\r\n[^]*connection: keep-alive\r\n\r\n\/one/);
    assert.match(
      text,
      /\/one[^]*HTTP\/1.1 200 OK[^]*\/two$/,
      "pipelined requests answered in order",
    );
    assert.ok(performance.now() - started >= 150, "not closed before the idle timeout");
  } finally {
    await server.shutdown();
  }
});

Deno.test("a client that does not take its response is dropped after the write timeout", async () => {
  const big = new Uint8Array(64 * 1024 * 1024);
  const server = start(
    { writeTimeoutMs: 300 },
    () => Promise.resolve(new Response(big)),
  );
  try {
    const conn = await connect(server);
    await conn.write(encoder.encode("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    while (server.connections > 0) await new Promise((resolve) => setTimeout(resolve, 50));
    conn.close();
  } finally {
    await server.shutdown();
  }
});

Deno.test("bad heads get their status and the connection closes; a failing handler gets a bare 500", async () => {
  const server = start({ maxHeadBytes: 1024 }, () => Promise.reject(new Error("secret detail")));
  try {
    const huge = `GET / HTTP/1.1\r\nHost: x\r\nX: ${"a".repeat(2048)}\r\n\r\n`;
    assert.match(await exchange(server, huge), /^HTTP\/1.1 431 /);
    const chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n";
    assert.match(await exchange(server, chunked), /^HTTP\/1.1 501 /);
    const failed = await exchange(server, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    assert.match(failed, /^HTTP\/1.1 500 [^]*Internal error [0-9a-f-]{36}/);
    assert.doesNotMatch(failed, /secret detail/);
  } finally {
    await server.shutdown();
  }
});

Deno.test("fetch works against it, with a body, and shutdown waits for a request under way", async () => {
  const entered = Promise.withResolvers<void>();
  const release = Promise.withResolvers<void>();
  const server = start({}, async (request) => {
    if (new URL(request.url).pathname === "/wait") {
      entered.resolve();
      await release.promise;
    }
    return new Response(`${request.method} ${await request.text()}`);
  });
  const posted = await fetch(`http://127.0.0.1:${server.addr.port}/`, {
    method: "POST",
    body: "hello",
  });
  assert.equal(await posted.text(), "POST hello");
  const slow = fetch(`http://127.0.0.1:${server.addr.port}/wait`);
  await entered.promise;
  const stopped = server.shutdown();
  release.resolve();
  assert.equal(await (await slow).text(), "GET ");
  await stopped;
});
