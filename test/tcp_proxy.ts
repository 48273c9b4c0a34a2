/**
 * Test helper: a loopback TCP proxy in front of a server (an emulator), whose mode a test switches
 * to simulate an outage without touching the server: `forward` relays both ways, `refuse` stops
 * listening (connections are refused), `reset` accepts and closes each connection at once.
 * Switching mode cuts every relayed connection, so kept-alive sockets do not slip through.
 */

/** What the proxy does with connections. */
export type ProxyMode = "forward" | "refuse" | "reset";

/** A running proxy. */
export interface TcpProxy {
  /** The proxy's port on 127.0.0.1. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`. */
  readonly endpoint: string;
  readonly mode: ProxyMode;
  /** Connections accepted so far, and those closed at once in `reset` mode. */
  readonly accepted: number;
  readonly reset: number;
  /** Switches mode; resolves once the new mode is in force. */
  setMode(mode: ProxyMode): Promise<void>;
  /** Stops the proxy and cuts every connection. */
  close(): Promise<void>;
}

/** Closes a connection that may already be closed. */
function closeQuietly(conn: Deno.Conn): void {
  try {
    conn.close();
  } catch (error: unknown) {
    // Expected when the other side or the relay already closed it.
    if (!(error instanceof Deno.errors.BadResource)) throw error;
  }
}

/** Starts a proxy to `target` (a loopback host and port) in `forward` mode. */
export function startTcpProxy(target: { hostname: string; port: number }): TcpProxy {
  let listener: Deno.Listener | undefined = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  let mode: ProxyMode = "forward";
  let accepted = 0;
  let reset = 0;
  const open = new Set<Deno.Conn>();
  let loop: Promise<void> = Promise.resolve();

  const relay = async (client: Deno.Conn) => {
    let upstream: Deno.Conn;
    try {
      upstream = await Deno.connect({ hostname: target.hostname, port: target.port });
    } catch (error: unknown) {
      // The server itself is away: the client sees its connection close.
      if (!(error instanceof Deno.errors.ConnectionRefused)) throw error;
      closeQuietly(client);
      return;
    }
    open.add(client);
    open.add(upstream);
    const done = () => {
      open.delete(client);
      open.delete(upstream);
      closeQuietly(client);
      closeQuietly(upstream);
    };
    // Either side ending (or being cut by a mode switch) ends both directions.
    await Promise.allSettled([
      client.readable.pipeTo(upstream.writable),
      upstream.readable.pipeTo(client.writable),
    ]);
    done();
  };

  const serve = (l: Deno.Listener) =>
    (async () => {
      try {
        for await (const conn of l) {
          accepted++;
          if (mode === "reset") {
            reset++;
            closeQuietly(conn);
            continue;
          }
          void relay(conn);
        }
      } catch (error: unknown) {
        // The listener was closed to refuse connections or to stop.
        if (!(error instanceof Deno.errors.BadResource)) throw error;
      }
    })();
  loop = serve(listener);

  const cutAll = () => {
    for (const conn of open) closeQuietly(conn);
    open.clear();
  };

  return {
    port,
    endpoint: `http://127.0.0.1:${port}`,
    get mode() {
      return mode;
    },
    get accepted() {
      return accepted;
    },
    get reset() {
      return reset;
    },
    async setMode(next) {
      cutAll();
      if (next === "refuse" && listener !== undefined) {
        listener.close();
        listener = undefined;
        await loop;
      }
      if (next !== "refuse" && listener === undefined) {
        listener = Deno.listen({ hostname: "127.0.0.1", port });
        loop = serve(listener);
      }
      mode = next;
    },
    async close() {
      cutAll();
      listener?.close();
      listener = undefined;
      await loop;
    },
  };
}
