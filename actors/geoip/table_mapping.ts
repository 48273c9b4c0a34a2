/**
 * Gets a table file's bytes into memory: a read-only mmap through Deno FFI (pages shared with
 * every Worker and process mapping the same file, nothing copied), or, where FFI is not
 * permitted, a read into a SharedArrayBuffer that Workers can share without copying.
 */

/** Bytes of a table file and how to release them. */
export interface FileBytes {
  readonly buffer: ArrayBuffer | SharedArrayBuffer;
  readonly byteLength: number;
  /** Unmaps (mmap) or drops (read); call once, when no view is used any more. */
  readonly release: () => void;
}

const SYMBOLS = {
  open: { parameters: ["buffer", "i32"], result: "i32" },
  close: { parameters: ["i32"], result: "i32" },
  lseek: { parameters: ["i32", "i64", "i32"], result: "i64" },
  mmap: { parameters: ["pointer", "usize", "i32", "i32", "i32", "i64"], result: "pointer" },
  munmap: { parameters: ["pointer", "usize"], result: "i32" },
} as const;

const LIBC: Partial<Record<typeof Deno.build.os, string>> = {
  linux: "libc.so.6",
  darwin: "libSystem.B.dylib",
};
const O_RDONLY = 0;
const SEEK_END = 2;
const PROT_READ = 1;
const MAP_PRIVATE = 2;
const MAP_FAILED = 0xffffffffffffffffn;

/** True when this process may mmap through FFI (permission granted, a known libc). */
export function canMmap(): boolean {
  return LIBC[Deno.build.os] !== undefined &&
    Deno.permissions.querySync({ name: "ffi" }).state === "granted";
}

/**
 * Maps `path` read-only. The file must not be changed in place while mapped (tables are only
 * ever replaced by rename, which leaves the mapped inode intact).
 */
export function mmapFile(path: string): FileBytes {
  const name = LIBC[Deno.build.os];
  if (name === undefined) {
    throw new Error(`Cannot mmap ${path}: no libc known for ${Deno.build.os}`);
  }
  const lib = Deno.dlopen(name, SYMBOLS);
  try {
    const fd = lib.symbols.open(new TextEncoder().encode(`${path}\0`), O_RDONLY);
    if (fd < 0) throw new Deno.errors.NotFound(`Cannot mmap ${path}: open failed`);
    let pointer: Deno.PointerValue;
    let size: number;
    try {
      // The size of the opened file itself: a stat by path could see a file renamed in since.
      size = Number(lib.symbols.lseek(fd, 0n, SEEK_END));
      if (size <= 0) throw new RangeError(`Cannot mmap ${path}: the file is empty`);
      pointer = lib.symbols.mmap(null, BigInt(size), PROT_READ, MAP_PRIVATE, fd, 0n);
    } finally {
      lib.symbols.close(fd);
    }
    if (pointer === null || Deno.UnsafePointer.value(pointer) === MAP_FAILED) {
      throw new Error(`Cannot mmap ${path}: mmap failed`);
    }
    const mapped = pointer;
    const byteLength = size;
    return {
      buffer: Deno.UnsafePointerView.getArrayBuffer(mapped, byteLength),
      byteLength,
      release: () => {
        lib.symbols.munmap(mapped, BigInt(byteLength));
        lib.close();
      },
    };
  } catch (error) {
    lib.close();
    throw error;
  }
}

/** Reads `path` into a new SharedArrayBuffer (the fallback when FFI is not permitted). */
export async function readFileShared(path: string): Promise<FileBytes> {
  using file = await Deno.open(path);
  const byteLength = (await file.stat()).size;
  const buffer = new SharedArrayBuffer(byteLength);
  const bytes = new Uint8Array(buffer);
  for (let at = 0; at < byteLength;) {
    const n = await file.read(bytes.subarray(at));
    if (n === null) throw new Error(`Cannot read ${path}: ended at ${at} of ${byteLength} bytes`);
    at += n;
  }
  return { buffer, byteLength, release: () => undefined };
}
