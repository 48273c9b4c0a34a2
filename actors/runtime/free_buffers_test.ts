import assert from "node:assert/strict";
import { freeBuffers } from "./free_buffers.ts";

Deno.test("freed buffers read as detached and empty, and their memory is given back at once", () => {
  const before = Deno.memoryUsage().external;
  const buffers = Array.from({ length: 8 }, () => new Uint8Array(4 << 20).fill(1).buffer);
  assert.ok(Deno.memoryUsage().external - before >= 32 << 20, "the buffers count as external");
  freeBuffers(buffers);
  assert.ok(buffers.every((b) => b.detached && b.byteLength === 0));
  assert.ok(Deno.memoryUsage().external - before < 1 << 20, "no collection needed to free them");
});

Deno.test("freeing a buffer twice, or one already moved to another thread, is a no-op", () => {
  const buffer = new ArrayBuffer(16);
  structuredClone(buffer, { transfer: [buffer] });
  freeBuffers([buffer, buffer]);
  assert.equal(buffer.detached, true);
});
