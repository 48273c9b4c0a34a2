/**
 * How the control server's address is spelled where it is reached: by a client (a wildcard bind
 * is reached on loopback) and in Deno's net permission (`host:port`, IPv6 in brackets).
 */

/** The host a client uses to reach a server bound to `host`. */
export function controlClientHost(host: string): string {
  if (host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return bracketed(host);
}

/** `host:port` as Deno's `--allow-net` and URLs spell it. */
export function netAddress(host: string, port: number): string {
  return `${bracketed(host)}:${port}`;
}

function bracketed(host: string): string {
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}
