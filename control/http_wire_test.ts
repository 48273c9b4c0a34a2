import assert from "node:assert/strict";
import { headEnd, HttpWireError, parseRequestHead, responseHead } from "./http_wire.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const parse = (text: string) => parseRequestHead(bytes(text), 1024);
const refused = (text: string, status: number) =>
  assert.throws(
    () => parse(text),
    (e: unknown) => e instanceof HttpWireError && e.status === status,
    text,
  );

Deno.test("a head ends at the first blank line, found across reads", () => {
  const head = bytes("GET / HTTP/1.1\r\nHost: a\r\n\r\nnext");
  assert.equal(headEnd(head), 27);
  assert.equal(headEnd(head, 25), 27);
  assert.equal(headEnd(bytes("GET / HTTP/1.1\r\nHost: a\r\n")), -1);
});

Deno.test("a well-formed head gives method, target, lower-cased headers and keep-alive", () => {
  const head = parse("POST /export?x=1 HTTP/1.1\r\nHost: 127.0.0.1:1\r\nContent-Length: 3\r\n\r\n");
  assert.equal(head.method, "POST");
  assert.equal(head.target, "/export?x=1");
  assert.deepEqual(head.headers, [["host", "127.0.0.1:1"], ["content-length", "3"]]);
  assert.equal(head.contentLength, 3);
  assert.equal(head.keepAlive, true);
  assert.equal(parse("GET / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").keepAlive, false);
  assert.equal(parse("GET / HTTP/1.0\r\n\r\n").keepAlive, false);
});

Deno.test("heads that smuggle, fold or hide bytes are refused with the status to answer", () => {
  refused("GET / HTTP/1.1\r\n\r\n", 400); // no Host
  refused("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: a\r\nContent-Length: -1\r\n\r\n", 400);
  refused("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n", 501);
  refused("GET / HTTP/1.1\r\nHost: a\r\nX: 1\r\n folded\r\n\r\n", 400);
  refused("GET / HTTP/1.1\r\nHost: a\u0000\r\n\r\n", 400);
  refused("GET http://a/ HTTP/1.1\r\nHost: a\r\n\r\n", 400);
  refused("GET / HTTP/2.0\r\nHost: a\r\n\r\n", 505);
  refused("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5000\r\n\r\n", 413);
});

Deno.test("a response head carries the body length and the connection's fate, once each", () => {
  const headers = new Headers({ "content-type": "text/plain", "content-length": "99" });
  const text = new TextDecoder().decode(responseHead(421, headers, 5, false));
  assert.equal(
    text,
    "HTTP/1.1 421 Misdirected Request\r\ncontent-type: text/plain\r\ncontent-length: 5\r\n" +
      "connection: close\r\n\r\n",
  );
});
