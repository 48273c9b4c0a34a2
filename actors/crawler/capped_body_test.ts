import assert from "node:assert/strict";
import { readCappedBody } from "./capped_body.ts";

function stream(chunks: number, chunkBytes: number, pulled: { count: number; cancelled: boolean }) {
  return new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.count >= chunks) return controller.close();
      pulled.count++;
      controller.enqueue(new Uint8Array(chunkBytes).fill(0x61));
    },
    cancel() {
      pulled.cancelled = true;
    },
  });
}

Deno.test("a body past the cap is cut there and the stream is cancelled", async () => {
  const pulled = { count: 0, cancelled: false };
  const body = await readCappedBody(stream(1000, 64 * 1024, pulled), 100_000);
  assert.equal(body.truncated, true);
  assert.equal(body.bytes, 100_000);
  assert.equal(body.text.length, 100_000);
  assert.equal(pulled.cancelled, true);
  assert.ok(pulled.count <= 3, `pulled ${pulled.count} chunks for a 100 kB cap`);
});

Deno.test("a body within the cap is read whole", async () => {
  const pulled = { count: 0, cancelled: false };
  const body = await readCappedBody(stream(3, 10, pulled), 30);
  assert.deepEqual(body, { text: "a".repeat(30), bytes: 30, truncated: false });
  assert.equal(pulled.cancelled, false);
});

Deno.test("no body reads as empty text", async () => {
  assert.deepEqual(await readCappedBody(null, 10), { text: "", bytes: 0, truncated: false });
});
