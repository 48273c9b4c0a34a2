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

/** Hashes the sources (IPv4 first) without parsing them. */
export async function sourceChecksum(sources: readonly SourceFile[]): Promise<string> {
  const hasher = new SourceHasher();
  for (const source of sources) {
    hasher.beginFile(source.family);
    using file = await Deno.open(source.path);
    for await (const chunk of file.readable) hasher.update(chunk);
  }
  return hasher.digest();
}
