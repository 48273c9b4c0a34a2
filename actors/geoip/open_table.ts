/**
 * Opens a range-table file for lookups: mmap through FFI when permitted, else a read into a
 * SharedArrayBuffer; or adopts a SharedArrayBuffer another Worker already read. The result is
 * a RangeTable (a GeoLookup with its version) that must be closed once no lookup uses it.
 */
import { type MappingKind, RangeTable } from "./range_table.ts";
import { canMmap, type FileBytes, mmapFile, readFileShared } from "./table_mapping.ts";

/** How to get the bytes: "auto" maps when FFI is permitted and reads otherwise. */
export type OpenMode = "auto" | "mmap" | "read";

/**
 * Opens the table at `path`. Throws TableFormatError when the file is not a readable table.
 *
 * @example
 * ```ts
 * const table = await openTable("data/geoip/table-0123456789abcdef.bin");
 * table.lookup("81.2.69.142"); // { countryCode: "GB", ... } | null | "invalid"
 * table.close();
 * ```
 */
export async function openTable(path: string, mode: OpenMode = "auto"): Promise<RangeTable> {
  const useMmap = mode === "mmap" || (mode === "auto" && canMmap());
  const bytes: FileBytes = useMmap ? mmapFile(path) : await readFileShared(path);
  const mapping: MappingKind = useMmap ? "mmap" : "read";
  return adopt(bytes, path, mapping);
}

/** Wraps a table another Worker read into a SharedArrayBuffer (no I/O, nothing copied). */
export function openSharedTable(buffer: SharedArrayBuffer, path: string): RangeTable {
  return adopt({ buffer, byteLength: buffer.byteLength, release: () => undefined }, path, "shared");
}

function adopt(bytes: FileBytes, path: string, mapping: MappingKind): RangeTable {
  try {
    return new RangeTable(bytes.buffer, bytes.byteLength, {
      path,
      mapping,
      release: bytes.release,
    });
  } catch (error) {
    bytes.release();
    throw error;
  }
}
