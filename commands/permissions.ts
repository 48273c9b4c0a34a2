/** Start-up checks that turn a missing Deno permission into an error that says what to do. */

/** Throws when this process may not write under `dir` (named by its setting `key`). */
export async function assertWritable(dir: string, key: string): Promise<void> {
  const status = await Deno.permissions.query({ name: "write", path: dir });
  if (status.state !== "granted") {
    throw new Deno.errors.PermissionDenied(
      `${key}=${dir} is not writable under this task's permissions: the tasks grant ./data; ` +
        `put ${key} under ./data or run main.ts with --allow-write=${dir}`,
    );
  }
  await Deno.mkdir(dir, { recursive: true });
}
