/** Test helper: asks the kernel for free TCP ports on 127.0.0.1. */

/** Returns `count` distinct ports that were free a moment ago on 127.0.0.1. */
export function freePorts(count: number): number[] {
  const listeners = Array.from(
    { length: count },
    () => Deno.listen({ hostname: "127.0.0.1", port: 0 }),
  );
  const ports = listeners.map((l) => (l.addr as Deno.NetAddr).port);
  for (const l of listeners) l.close();
  return ports;
}
