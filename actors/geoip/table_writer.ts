/**
 * Encodes finished range arrays into the table file format and writes the file atomically (a
 * temporary file renamed into place), so a reader never maps a half-written table.
 */
import type { RangeArrays } from "./range_accumulator.ts";
import { FORMAT_VERSION, type TableHeader, tableLayout, writeHeader } from "./table_format.ts";

/** What the header records besides the counts. */
export interface TableStamp {
  readonly sourceChecksum: string;
  readonly buildTimeMs: number;
  /** What the table is built from, with its licence ("" when not recorded). */
  readonly sourceLabel: string;
}

/** Encodes a table: header plus sections, as one byte array. */
export function encodeTable(arrays: RangeArrays, stamp: TableStamp): Uint8Array {
  const encoder = new TextEncoder();
  const encoded = arrays.strings.map((s) => encoder.encode(s));
  const stringBytes = encoded.reduce((sum, b) => sum + b.length, 0);
  const counts = {
    v4Count: arrays.v4Starts.length,
    v6Count: arrays.v6Locs.length,
    locationCount: arrays.locCoords.length / 2,
    stringCount: encoded.length,
    stringBytes,
    v4IndexBits: arrays.v4IndexBits,
  };
  const layout = tableLayout(counts);
  const bytes = new Uint8Array(layout.fileBytes);
  const header: TableHeader = {
    ...counts,
    ...stamp,
    formatVersion: FORMAT_VERSION,
    fileBytes: layout.fileBytes,
  };
  writeHeader(bytes, header);
  const put = (at: number, values: Uint32Array) =>
    bytes.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength), at);
  put(layout.v4Index, arrays.v4Index);
  put(layout.v4Starts, arrays.v4Starts);
  put(layout.v4Ends, arrays.v4Ends);
  put(layout.v4Locs, arrays.v4Locs);
  put(layout.v6Starts, arrays.v6Starts);
  put(layout.v6Ends, arrays.v6Ends);
  put(layout.v6Locs, arrays.v6Locs);
  put(layout.locStrings, arrays.locStrings);
  put(layout.locCoords, arrays.locCoords);
  const offsets = new Uint32Array(encoded.length + 1);
  let at = 0;
  encoded.forEach((b, i) => {
    bytes.set(b, layout.strBytes + at);
    at += b.length;
    offsets[i + 1] = at;
  });
  put(layout.strOffsets, offsets);
  return bytes;
}

/** Writes `bytes` to `path` through a temporary file in the same directory and a rename. */
export async function writeTableFile(path: string, bytes: Uint8Array): Promise<void> {
  const temporary = `${path}.tmp-${Deno.pid}-${crypto.randomUUID().slice(0, 8)}`;
  try {
    using file = await Deno.open(temporary, { write: true, createNew: true });
    for (let written = 0; written < bytes.length;) {
      written += await file.write(bytes.subarray(written));
    }
    await file.syncData();
  } catch (error) {
    await removeIfPresent(temporary);
    throw new Error(`Cannot write range table ${path}: ${String(error)}`, { cause: error });
  }
  await Deno.rename(temporary, path);
}

/** Removes `path`; a file that is already gone is the expected case, not an error. */
export async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path);
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}
