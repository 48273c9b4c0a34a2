/**
 * Durability on a local file system: a file's bytes and a directory's entries reach the disk
 * only when fsynced, so a rename is durable after the renamed file and its directory both were.
 * `writeFileAtomic` replaces a file so that a crash leaves the old or the new one, never a
 * partial or empty one.
 */

/** Flushes a file's contents to disk. */
export async function syncFile(path: string): Promise<void> {
  using file = await Deno.open(path, { read: true });
  await file.sync();
}

/** Flushes a directory's entries (names created, renamed or removed in it) to disk. */
export async function syncDir(path: string): Promise<void> {
  using dir = await Deno.open(path, { read: true });
  await dir.sync();
}

/** The directory part of `path` (`.` for a bare name). */
export function dirOf(path: string): string {
  const slash = path.lastIndexOf("/");
  return slash < 0 ? "." : slash === 0 ? "/" : path.slice(0, slash);
}

/**
 * Replaces `path` with `text` atomically and durably: written to a temporary file beside it with
 * `mode`, fsynced, renamed over `path`, and the directory fsynced.
 */
export async function writeFileAtomic(path: string, text: string, mode: number): Promise<void> {
  const temp = `${path}.${crypto.randomUUID().slice(0, 8)}.tmp`;
  try {
    {
      using file = await Deno.open(temp, { write: true, createNew: true, mode });
      const bytes = new TextEncoder().encode(text);
      for (let at = 0; at < bytes.byteLength;) at += await file.write(bytes.subarray(at));
      await file.sync();
    }
    await Deno.rename(temp, path);
  } catch (error) {
    await Deno.remove(temp).catch((cleanup: unknown) => {
      if (!(cleanup instanceof Deno.errors.NotFound)) throw cleanup;
    });
    throw new Error(`Cannot write ${path}: ${(error as Error).message}`, { cause: error });
  }
  await syncDir(dirOf(path));
}
