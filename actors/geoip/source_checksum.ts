/**
 * The checksum that names a table's sources: SHA-256 over each source file in order, each
 * preceded by its family tag, so the builder (hashing while it streams) and the table manager
 * (hashing to detect a change) compute the same value.
 */
import { createHash, type Hash } from "node:crypto";
import type { Family } from "./db5_line.ts";

/** Streams source files into one SHA-256. */
export class SourceHasher {
  readonly #hash: Hash = createHash("sha256");

  /** Marks the start of the next source file. */
  beginFile(family: Family): void {
    this.#hash.update(`ipv${family}\n`);
  }

  /** Adds bytes of the current file. */
  update(bytes: Uint8Array): void {
    this.#hash.update(bytes);
  }

  /** The checksum, lowercase hex. */
  digest(): string {
    return this.#hash.digest("hex");
  }
}

/** One source file and its family. */
export interface SourceFile {
  readonly path: string;
  readonly family: Family;
}

/**
 * Bytes read at a time. One buffer serves every read: a stream's fresh chunk per read left ~40 MB
 * of dead buffers for the default sources, which V8 collects only once they pass its external
 * memory limit (64 MB), so the geoip actor's first refresh added ~35 MiB to the process.
 */
const READ_BYTES = 1 << 20;

/** Hashes the sources (IPv4 first) without parsing them. */
export async function sourceChecksum(sources: readonly SourceFile[]): Promise<string> {
  const hasher = new SourceHasher();
  const buffer = new Uint8Array(READ_BYTES);
  for (const source of sources) {
    hasher.beginFile(source.family);
    using file = await Deno.open(source.path);
    for (let n = await file.read(buffer); n !== null; n = await file.read(buffer)) {
      hasher.update(buffer.subarray(0, n));
    }
  }
  return hasher.digest();
}
