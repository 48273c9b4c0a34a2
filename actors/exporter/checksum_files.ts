/**
 * A published generation's checksum, as the export manifest records it: SHA-256 over the files'
 * bytes in the order the manifest lists them, and their total size.
 */
import { createHash } from "node:crypto";

/** SHA-256 hex over the files' bytes in the given order, and their total size. */
export async function checksumFiles(
  paths: readonly string[],
): Promise<{ sha256: string; bytes: number }> {
  const hash = createHash("sha256");
  let bytes = 0;
  for (const path of paths) {
    const data = await Deno.readFile(path);
    bytes += data.byteLength;
    hash.update(data);
  }
  return { sha256: hash.digest("hex"), bytes };
}
