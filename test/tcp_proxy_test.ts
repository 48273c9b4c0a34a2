import assert from "node:assert/strict";
import { startTcpProxy } from "./tcp_proxy.ts";

Deno.test({
  name: "the proxy relays HTTP, then refuses and resets connections, then relays again",
  sanitizeResources: false,
  sanitizeOps: false,
  async fn() {
    const server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      () => new Response("pong"),
    );
    const proxy = startTcpProxy({ hostname: "127.0.0.1", port: server.addr.port });
    const get = async () => {
      const response = await fetch(`${proxy.endpoint}/ping`, {
        headers: { connection: "close" },
        signal: AbortSignal.timeout(2_000),
      });
      return await response.text();
    };
    try {
      assert.equal(await get(), "pong");
      await proxy.setMode("refuse");
      await assert.rejects(get(), TypeError, "a refused connection fails the request");
      await proxy.setMode("reset");
      await assert.rejects(get(), TypeError, "a reset connection fails the request");
      assert.ok(proxy.reset >= 1);
      await proxy.setMode("forward");
      assert.equal(await get(), "pong");
    } finally {
      await proxy.close();
      await server.shutdown();
    }
  },
});
