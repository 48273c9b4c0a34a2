/** Test helper: one raw HTTP/1.1 exchange on 127.0.0.1, for requests fetch will not send. */

/** Sends `request` as written (a foreign Host header, say) to `port`; returns the status code. */
export async function rawStatus(port: number, request: string): Promise<number> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  try {
    await conn.write(new TextEncoder().encode(request));
    const buffer = new Uint8Array(4096);
    const n = await conn.read(buffer);
    const line = new TextDecoder().decode(buffer.subarray(0, n ?? 0)).split("\r\n")[0] ?? "";
    return Number(/^HTTP\/1\.1 (\d{3}) /.exec(line)?.[1]);
  } finally {
    conn.close();
  }
}
