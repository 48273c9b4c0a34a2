import assert from "node:assert/strict";
import { controlClientHost, netAddress } from "./control_address.ts";

Deno.test("a wildcard bind is reached on loopback, of its own address family", () => {
  assert.equal(controlClientHost("0.0.0.0"), "127.0.0.1");
  assert.equal(controlClientHost("::"), "[::1]");
  assert.equal(controlClientHost("127.0.0.2"), "127.0.0.2");
  assert.equal(controlClientHost("::1"), "[::1]");
});

Deno.test("net addresses put IPv6 hosts in brackets", () => {
  assert.equal(netAddress("127.0.0.1", 8790), "127.0.0.1:8790");
  assert.equal(netAddress("::1", 9464), "[::1]:9464");
  assert.equal(netAddress("[::1]", 9464), "[::1]:9464");
});
