/**
 * The data directory belongs to one pipeline process at a time and to its user only: `start`
 * takes an exclusive lock on `<DATA_DIR>/pipeline.lock` (holding its pid), makes the directory
 * 0700 and sets the process umask to 077, so the warehouse, dead letters (raw payloads), lake
 * files and the token are created 0600 and their folders 0700. The lock is the kernel's (flock):
 * it ends with the process, however the process ends.
 */

/** Another process holds the data directory. */
export class DataDirInUseError extends Error {
  override name = "DataDirInUseError";
  constructor(readonly dataDir: string, readonly pid: number | undefined) {
    super(
      `Cannot start: DATA_DIR ${dataDir} is in use by ${
        pid === undefined ? "another process" : `process ${pid}`
      } (it holds ${lockFile(dataDir)}); stop that pipeline or set another DATA_DIR`,
    );
  }
}

/** Path of the lock file in `dataDir`. */
export function lockFile(dataDir: string): string {
  return `${dataDir}/pipeline.lock`;
}

/** The held lock; released when the process ends, or by `release`. */
export interface DataDirLock {
  release(): void;
}

/** Locks `dataDir` for this process; `DataDirInUseError` naming the holder when it is taken. */
export async function lockDataDir(dataDir: string): Promise<DataDirLock> {
  const path = lockFile(dataDir);
  const file = await Deno.open(path, { read: true, write: true, create: true, mode: 0o600 });
  if (!await file.tryLock(true)) {
    file.close();
    const text = await Deno.readTextFile(path);
    const pid = /^\s*(\d+)\s*$/.exec(text)?.[1];
    throw new DataDirInUseError(dataDir, pid === undefined ? undefined : Number(pid));
  }
  await file.truncate(0);
  const bytes = new TextEncoder().encode(`${Deno.pid}\n`);
  for (let at = 0; at < bytes.byteLength;) at += await file.write(bytes.subarray(at));
  return { release: () => file.close() };
}

/**
 * Makes what this process creates private to its user (umask 077) and `dataDir` itself 0700;
 * returns the directory's previous mode when it was wider.
 */
export async function makePrivate(dataDir: string): Promise<number | undefined> {
  Deno.umask(0o077);
  await Deno.mkdir(dataDir, { recursive: true, mode: 0o700 });
  const mode = (await Deno.stat(dataDir)).mode ?? 0o700;
  if ((mode & 0o077) === 0) return undefined;
  await Deno.chmod(dataDir, 0o700);
  return mode & 0o777;
}
