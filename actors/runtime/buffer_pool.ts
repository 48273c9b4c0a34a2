/**
 * Large message buffers reused by the thread that allocated them, instead of freed on the thread
 * that finished them. A chunk or batch buffer (hundreds of KB to ~8 MB) is made on one thread
 * (enricher, batcher, the host's copies) and used up on another; freed there, its memory went
 * back to the allocating thread's glibc arena as a free block that the next message, of a
 * slightly different length, rarely fits, and over a long backlog the arenas' freed-and-kept
 * memory grew. Here the thread that used it up hands the buffer back (moved, so the old holder can
 * never read it again: see `ActorContext.recycle` and `sys.recycle` in `actor_wire.ts`), and
 * `takeBytes` on the allocating thread reuses it for its next message: in a steady state almost
 * nothing large is allocated.
 *
 * One pool per thread (each Worker has its own module instance): a restarted actor's new Worker
 * starts with an empty one. The pool is bounded (`BufferPoolLimits`): past its bound the buffers it
 * kept longest are freed at once, as every buffer was before.
 */
import { freeBuffers } from "./free_buffers.ts";

/** Below this, buffers are allocated as asked and never kept (small blocks do not fragment). */
export const RECYCLE_MIN_BYTES = 64 << 10;

/** How much one thread's pool may keep. */
export interface BufferPoolLimits {
  readonly maxBuffers: number;
  readonly maxBytes: number;
}

/**
 * Default bound per thread. Most buffers come back one at a time (the host's two batch copies at
 * the writer and two chunk copies per enricher; the batcher's batches the host keeps for
 * redelivery), but an enricher gets a batch's ~10 chunks back at once; a hostile batch reaches
 * 16 MiB. Measured against 6 buffers or 16 MiB: no lower peak (bench/README.md, Figures).
 */
export const DEFAULT_POOL_LIMITS: BufferPoolLimits = { maxBuffers: 12, maxBytes: 32 << 20 };

/**
 * A new buffer for `n` bytes is this much larger (and rounded to 64 KiB), so the next message
 * of its kind, a little longer, still fits it.
 */
const HEADROOM = 1 / 8;

/** Capacity of a new buffer for `n` bytes (see `HEADROOM`). */
export function capacityFor(n: number): number {
  if (n < RECYCLE_MIN_BYTES) return n;
  return Math.ceil(n * (1 + HEADROOM) / RECYCLE_MIN_BYTES) * RECYCLE_MIN_BYTES;
}

/** Kept buffers, in the order they were given, and what became of requests (for tests and figures). */
export class BufferPool {
  readonly #limits: BufferPoolLimits;
  readonly #kept: ArrayBuffer[] = [];
  #bytes = 0;
  /** Requests served from a kept buffer. */
  reused = 0;
  /** Requests of at least `RECYCLE_MIN_BYTES` that had to allocate. */
  allocated = 0;

  constructor(limits: BufferPoolLimits = DEFAULT_POOL_LIMITS) {
    if (!(limits.maxBuffers >= 0 && limits.maxBytes >= 0)) {
      throw new RangeError(`Buffer pool limits must be >= 0: ${JSON.stringify(limits)}`);
    }
    this.#limits = limits;
  }

  /** Buffers kept now. */
  get size(): number {
    return this.#kept.length;
  }

  /** Bytes kept now. */
  get bytes(): number {
    return this.#bytes;
  }

  /**
   * `n` bytes: a view of the first `n` of the smallest kept buffer that holds them (and is at
   * most twice as large), or of a new buffer with headroom. A reused buffer's bytes are those of
   * its last message: write every byte, or use `zeroedBytes`.
   */
  take(n: number): Uint8Array<ArrayBuffer> {
    return this.#take(n) ?? new Uint8Array(new ArrayBuffer(capacityFor(n)), 0, n);
  }

  /** `n` zeroed bytes (see `take`). */
  zeroed(n: number): Uint8Array<ArrayBuffer> {
    return this.#take(n)?.fill(0) ?? new Uint8Array(new ArrayBuffer(capacityFor(n)), 0, n);
  }

  /** The smallest kept buffer's first `n` bytes, or undefined when a new buffer is needed. */
  #take(n: number): Uint8Array<ArrayBuffer> | undefined {
    if (n < RECYCLE_MIN_BYTES) return undefined;
    let best = -1;
    this.#kept.forEach((b, i) => {
      if (b.byteLength >= n && b.byteLength <= 2 * n) {
        if (best < 0 || b.byteLength < (this.#kept[best]?.byteLength ?? 0)) best = i;
      }
    });
    const [fit] = best < 0 ? [] : this.#kept.splice(best, 1);
    if (fit === undefined) {
      this.allocated++;
      return undefined;
    }
    this.#bytes -= fit.byteLength;
    this.reused++;
    return new Uint8Array(fit, 0, n);
  }

  /**
   * Keeps buffers handed back to this thread for reuse; past the limits the ones kept longest are
   * freed (sizes change along a run: the latest are the likeliest to fit the next message). Small,
   * detached and resizable ones are freed at once. The caller gives up every reference to them.
   */
  give(buffers: readonly ArrayBuffer[]): void {
    const { maxBuffers, maxBytes } = this.#limits;
    const freed: ArrayBuffer[] = [];
    for (const buffer of new Set(buffers)) {
      const size = buffer.byteLength;
      if (
        buffer.detached || buffer.resizable || size < RECYCLE_MIN_BYTES || size > maxBytes ||
        this.#kept.includes(buffer)
      ) {
        if (!this.#kept.includes(buffer)) freed.push(buffer);
        continue;
      }
      this.#kept.push(buffer);
      this.#bytes += size;
      while (this.#kept.length > maxBuffers || this.#bytes > maxBytes) {
        const oldest = this.#kept.shift();
        if (oldest === undefined) break;
        this.#bytes -= oldest.byteLength;
        freed.push(oldest);
      }
    }
    freeBuffers(freed);
  }

  /** Frees every kept buffer. */
  clear(): void {
    freeBuffers(this.#kept.splice(0));
    this.#bytes = 0;
  }
}

/**
 * The buffers worth sending back to their maker (large, not detached, each once); the small ones
 * are freed here at once, as a pool would not keep them.
 */
export function worthReturning(buffers: readonly ArrayBuffer[]): ArrayBuffer[] {
  const live = [...new Set(buffers)].filter((b) => !b.detached && !b.resizable);
  freeBuffers(live.filter((b) => b.byteLength < RECYCLE_MIN_BYTES));
  return live.filter((b) => b.byteLength >= RECYCLE_MIN_BYTES);
}

/** This thread's pool. */
export const threadBuffers: BufferPool = new BufferPool();

/** `n` bytes from this thread's pool (see `BufferPool.take`); every byte must be written. */
export function takeBytes(n: number): Uint8Array<ArrayBuffer> {
  return threadBuffers.take(n);
}

/** `n` zeroed bytes from this thread's pool. */
export function zeroedBytes(n: number): Uint8Array<ArrayBuffer> {
  return threadBuffers.zeroed(n);
}

/** A copy of `bytes` in a buffer from this thread's pool. */
export function copyBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  const copy = threadBuffers.take(bytes.byteLength);
  copy.set(bytes);
  return copy;
}
