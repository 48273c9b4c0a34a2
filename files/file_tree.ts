/**
 * Folders as lists of files, for the lake and the exports: every file below a folder by its
 * relative path, and removal that does not mind what is already gone. A missing folder is an
 * empty one (an export retried after a crash finds some of its folders gone, or not yet made).
 */

/** Relative paths of every file below `root` (any depth), in no set order; [] when `root` is missing. */
export async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  try {
    for await (const entry of Deno.readDir(prefix === "" ? root : `${root}/${prefix}`)) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory) out.push(...await listFiles(root, relative));
      else if (entry.isFile) out.push(relative);
    }
  } catch (error: unknown) {
    if (error instanceof Deno.errors.NotFound) return out;
    throw error;
  }
  return out;
}

/** Removes a file or a folder with its contents; nothing to do when it is not there. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error: unknown) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** Makes `dir` an empty folder (removing what an earlier attempt left there). */
export async function emptyFolder(dir: string): Promise<void> {
  await removeIfPresent(dir);
  await Deno.mkdir(dir, { recursive: true });
}
