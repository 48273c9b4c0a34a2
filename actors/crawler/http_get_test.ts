import assert from "node:assert/strict";
import { readCappedBody } from "./capped_body.ts";
import { httpGet, HttpGetError } from "./http_get.ts";

/** A raw TCP server that answers every connection with `reply` (bytes as given), then closes. */
function rawServer(reply: (request: string) => Uint8Array | Promise<Uint8Array>) {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const requests: string[] = [];
  const serving = (async () => {
    for await (const conn of listener) {
      const buffer = new Uint8Array(8192);
      const n = await conn.read(buffer);
      const request = new TextDecoder().decode(buffer.subarray(0, n ?? 0));
      requests.push(request);
      try {
        await conn.write(await reply(request));
      } catch (error) {
        if (
          !(error instanceof Deno.errors.BrokenPipe || error instanceof Deno.errors.ConnectionReset)
        ) {
          throw error;
        }
      } finally {
        conn.close();
      }
    }
  })();
  return {
    url: `http://127.0.0.1:${listener.addr.port}`,
    requests,
    async close() {
      listener.close();
      await serving;
    },
  };
}

const bytes = (text: string) => new TextEncoder().encode(text);
const never = new AbortController().signal;

async function text(url: string) {
  const response = await httpGet(new URL(url), { "user-agent": "TestBot/1.0" }, never);
  const body = await readCappedBody(response.body, 1_000_000);
  return { status: response.status, headers: response.headers, body: body.text };
}

Deno.test("a chunked body is reassembled, and the request names host, path and agent", async () => {
  const server = rawServer(() =>
    bytes(
      "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n" +
        "X-Shop: a\r\n\r\n5\r\nHello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n",
    )
  );
  try {
    const got = await text(`${server.url}/ring.html?alloy=gold#top`);
    assert.deepEqual([got.status, got.body, got.headers.get("x-shop")], [200, "Hello, world", "a"]);
    assert.match(server.requests[0] ?? "", /^GET \/ring\.html\?alloy=gold HTTP\/1\.1\r\n/);
    assert.match(
      server.requests[0] ?? "",
      /\r\nhost: 127\.0\.0\.1:\d+\r\nuser-agent: TestBot\/1\.0\r\n/,
    );
  } finally {
    await server.close();
  }
});

Deno.test("Content-Length, the connection's end and gzip each frame a body", async () => {
  const gzipped = new Uint8Array(
    await new Response(
      new Blob([bytes("<h1>Ring</h1>")]).stream().pipeThrough(new CompressionStream("gzip")),
    ).arrayBuffer(),
  );
  const replies = [
    bytes("HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nbodyEXTRA"),
    bytes("HTTP/1.0 404 Not Found\r\n\r\nuntil the end"),
    new Uint8Array([
      ...bytes(
        `HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\nContent-Length: ${gzipped.length}\r\n\r\n`,
      ),
      ...gzipped,
    ]),
  ];
  let n = 0;
  const server = rawServer(() => replies[n++] ?? bytes(""));
  try {
    assert.equal((await text(server.url)).body, "body");
    const notFound = await text(server.url);
    assert.deepEqual([notFound.status, notFound.body], [404, "until the end"]);
    assert.equal((await text(server.url)).body, "<h1>Ring</h1>");
  } finally {
    await server.close();
  }
});

Deno.test("what is not HTTP, or a refused connection, is an HttpGetError naming the origin", async () => {
  const server = rawServer(() => bytes("SSH-2.0-OpenSSH\r\n\r\n"));
  try {
    await assert.rejects(
      text(server.url),
      (e: unknown) =>
        e instanceof HttpGetError && /Not an HTTP\/1.x response: "SSH-2.0-OpenSSH"/.test(e.message),
    );
  } finally {
    await server.close();
  }
  const closed = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = closed.addr.port;
  closed.close();
  await assert.rejects(
    text(`http://127.0.0.1:${port}/`),
    (e: unknown) =>
      e instanceof HttpGetError && e.message.startsWith(`GET http://127.0.0.1:${port}: `),
  );
});

Deno.test("reading stops at the caller's cap: bytes received stay near it on a 64 MB answer", async () => {
  const total = 64 * 1024 * 1024;
  const head = bytes(`HTTP/1.1 200 OK\r\nContent-Length: ${total}\r\n\r\n`);
  const server = rawServer(() => concat(head, new Uint8Array(total).fill(0x61)));
  try {
    const response = await httpGet(new URL(server.url), {}, never);
    const body = await readCappedBody(response.body, 1024 * 1024);
    assert.equal(body.truncated, true);
    assert.equal(body.bytes, 1024 * 1024);
    const received = response.received();
    assert.ok(received <= 1024 * 1024 + 16 * 1024 + 100, `received ${received} bytes`);
  } finally {
    await server.close();
  }
});

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** A test CA and a certificate it signed for 127.0.0.1, made with openssl in `dir`. */
async function testCertificates(dir: string): Promise<{ ca: string; cert: string; key: string }> {
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const steps = [
    [
      "req",
      "-x509",
      ...ec,
      "-days",
      "1",
      "-subj",
      "/CN=test-ca",
      "-keyout",
      "ca.key",
      "-out",
      "ca.pem",
    ],
    ["req", ...ec, "-subj", "/CN=127.0.0.1", "-keyout", "key.pem", "-out", "leaf.csr"],
    [
      "x509",
      "-req",
      "-in",
      "leaf.csr",
      "-CA",
      "ca.pem",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "1",
      "-extfile",
      "leaf.ext",
      "-out",
      "cert.pem",
    ],
  ];
  await Deno.writeTextFile(
    `${dir}/leaf.ext`,
    "basicConstraints=CA:FALSE\nsubjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n",
  );
  for (const args of steps) {
    const out = await new Deno.Command("openssl", {
      args,
      cwd: dir,
      stdout: "null",
      stderr: "piped",
    })
      .output();
    if (!out.success) {
      throw new Error(`openssl ${args[0]} failed: ${new TextDecoder().decode(out.stderr)}`);
    }
  }
  const read = (name: string) => Deno.readTextFile(`${dir}/${name}`);
  return { ca: await read("ca.pem"), cert: await read("cert.pem"), key: await read("key.pem") };
}

Deno.test("https pages are read over TLS, with the server's certificate checked", async () => {
  const dir = await Deno.makeTempDir({ prefix: "http_get_tls_" });
  try {
    const { ca, cert, key } = await testCertificates(dir);
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, cert, key, onListen: () => {} },
      () => new Response("<h1>Secure ring</h1>"),
    );
    try {
      const url = new URL(`https://127.0.0.1:${server.addr.port}/ring.html`);
      const response = await httpGet(url, {}, never, { caCerts: [ca] });
      assert.equal((await readCappedBody(response.body, 1000)).text, "<h1>Secure ring</h1>");
      await assert.rejects(httpGet(url, {}, never), HttpGetError, "an untrusted certificate");
    } finally {
      await server.shutdown();
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
