/**
 * Frees ArrayBuffers now rather than at their isolate's next full collection. V8 frees a dead
 * buffer's memory only when a collection finds the buffer dead; one that lived long enough to be
 * promoted (a message kept until its receiver finished it) waits for a full collection, and with
 * megabytes per message such buffers pile up. `ArrayBuffer.prototype.transfer(0)` detaches the
 * buffer and drops its memory at once; the buffer reads as empty afterwards.
 */

/** Detaches and frees each buffer; already detached ones are skipped. Only for unshared buffers. */
export function freeBuffers(buffers: readonly ArrayBuffer[]): void {
  for (const buffer of buffers) {
    if (!buffer.detached) buffer.transfer(0);
  }
}
