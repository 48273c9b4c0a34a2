/**
 * The range-table file format, declared once for the writer and the reader: a 128-byte header
 * and eleven 8-byte-aligned sections whose offsets follow from the counts in the header.
 * Little-endian throughout; tables are written by `table_writer.ts` and read by `range_table.ts`.
 *
 * Header: magic "GEOIPTBL", format version u32, header size u32, build time f64 (epoch ms),
 * SHA-256 of the sources (32 bytes), then u32 counts: IPv4 ranges, IPv6 ranges, locations,
 * strings, string bytes, file size, and the IPv4 index width k, then the source label (44 bytes
 * of ASCII, zero-padded; all zero in tables built before it existed). Sections, in order:
 *   v4Index   u32 × 2^k+1   per top-k-bit prefix p: the first range whose start is ≥ p << (32-k)
 *   v4Starts  u32 × n4      sorted range starts        v4Ends u32 × n4    v4Locs u32 × n4
 *   v6Starts  u32 × 4·n6    128-bit starts, big-endian word order   v6Ends, v6Locs likewise
 *   locStrings u32 × 4·L    country code, country, region, city (string ids; NONE = unknown)
 *   locCoords  i32 × 2·L    latitude, longitude in micro-degrees (NO_COORD = unknown)
 *   strOffsets u32 × (S+1)  strBytes u8 × B (UTF-8, deduplicated)
 */

/** The file's first eight bytes. */
export const MAGIC = "GEOIPTBL";
/** Version of this layout; readers refuse others. */
export const FORMAT_VERSION = 1;
/** Size of the header in bytes. */
export const HEADER_BYTES = 128;
/** Bounds of the IPv4 index width (top bits of the address that pick a bucket). */
export const MIN_INDEX_BITS = 8;
export const MAX_INDEX_BITS = 24;
/** String id meaning "unknown" (IP2Location's "-"). */
export const NONE = 0xffffffff;
/** Coordinate meaning "unknown". */
export const NO_COORD = -0x80000000;
/** Where the source label sits in the header, and its room in bytes. */
const LABEL_OFFSET = 84;
export const MAX_LABEL_BYTES = HEADER_BYTES - LABEL_OFFSET;
const LABEL_TEXT = /^[\x20-\x7e]*$/;

/** What the header says. */
export interface TableHeader {
  readonly formatVersion: number;
  readonly buildTimeMs: number;
  /** SHA-256 of the source CSV files, lowercase hex. */
  readonly sourceChecksum: string;
  readonly v4Count: number;
  readonly v6Count: number;
  readonly locationCount: number;
  readonly stringCount: number;
  readonly stringBytes: number;
  readonly fileBytes: number;
  /** Width k of the IPv4 first-level index (2^k buckets). */
  readonly v4IndexBits: number;
  /** What the table was built from and under which licence ("" when not recorded). */
  readonly sourceLabel: string;
}

/** Byte offsets of every section, computed from the counts. */
export interface TableLayout {
  readonly v4Index: number;
  readonly v4Starts: number;
  readonly v4Ends: number;
  readonly v4Locs: number;
  readonly v6Starts: number;
  readonly v6Ends: number;
  readonly v6Locs: number;
  readonly locStrings: number;
  readonly locCoords: number;
  readonly strOffsets: number;
  readonly strBytes: number;
  readonly fileBytes: number;
}

/** A table file that cannot be read: wrong magic, version or size. Callers may rebuild. */
export class TableFormatError extends Error {
  override readonly name = "TableFormatError";
}

/** Lays the sections out for the given counts. */
export function tableLayout(
  counts: Pick<
    TableHeader,
    "v4Count" | "v6Count" | "locationCount" | "stringCount" | "stringBytes" | "v4IndexBits"
  >,
): TableLayout {
  let at = HEADER_BYTES;
  const section = (bytes: number): number => {
    const start = at;
    at = Math.ceil((at + bytes) / 8) * 8;
    return start;
  };
  const { v4Count: n4, v6Count: n6, locationCount: l } = counts;
  return {
    v4Index: section(4 * (2 ** counts.v4IndexBits + 1)),
    v4Starts: section(4 * n4),
    v4Ends: section(4 * n4),
    v4Locs: section(4 * n4),
    v6Starts: section(16 * n6),
    v6Ends: section(16 * n6),
    v6Locs: section(4 * n6),
    locStrings: section(16 * l),
    locCoords: section(8 * l),
    strOffsets: section(4 * (counts.stringCount + 1)),
    strBytes: section(counts.stringBytes),
    fileBytes: at,
  };
}

const hex = (bytes: Uint8Array): string =>
  Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");

/** Writes `header` into the first HEADER_BYTES of `bytes`. */
export function writeHeader(bytes: Uint8Array, header: TableHeader): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, HEADER_BYTES);
  bytes.set(new TextEncoder().encode(MAGIC), 0);
  view.setUint32(8, header.formatVersion, true);
  view.setUint32(12, HEADER_BYTES, true);
  view.setFloat64(16, header.buildTimeMs, true);
  for (let i = 0; i < 32; i++) {
    bytes[24 + i] = parseInt(header.sourceChecksum.slice(2 * i, 2 * i + 2), 16);
  }
  const counts = [
    header.v4Count,
    header.v6Count,
    header.locationCount,
    header.stringCount,
    header.stringBytes,
    header.fileBytes,
    header.v4IndexBits,
  ];
  counts.forEach((n, i) => view.setUint32(56 + 4 * i, n, true));
  const label = header.sourceLabel;
  if (label.length > MAX_LABEL_BYTES || !LABEL_TEXT.test(label)) {
    throw new RangeError(
      `Cannot write range table: source label ${JSON.stringify(label)} must be printable ` +
        `ASCII of at most ${MAX_LABEL_BYTES} bytes`,
    );
  }
  bytes.fill(0, LABEL_OFFSET, HEADER_BYTES);
  for (let i = 0; i < label.length; i++) bytes[LABEL_OFFSET + i] = label.charCodeAt(i);
}

/** Reads and checks the header of a table of `byteLength` bytes. */
export function readHeader(buffer: ArrayBufferLike, byteLength: number): TableHeader {
  if (byteLength < HEADER_BYTES) {
    throw new TableFormatError(`Cannot read range table: ${byteLength} bytes is below a header`);
  }
  const bytes = new Uint8Array(buffer, 0, HEADER_BYTES);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== MAGIC) {
    throw new TableFormatError(`Cannot read range table: magic is ${JSON.stringify(magic)}`);
  }
  const view = new DataView(buffer, 0, HEADER_BYTES);
  const u32 = (at: number) => view.getUint32(at, true);
  const header: TableHeader = {
    formatVersion: u32(8),
    buildTimeMs: view.getFloat64(16, true),
    sourceChecksum: hex(bytes.slice(24, 56)),
    v4Count: u32(56),
    v6Count: u32(60),
    locationCount: u32(64),
    stringCount: u32(68),
    stringBytes: u32(72),
    fileBytes: u32(76),
    v4IndexBits: u32(80),
    sourceLabel: readLabel(bytes.subarray(LABEL_OFFSET, HEADER_BYTES)),
  };
  if (header.formatVersion !== FORMAT_VERSION || u32(12) !== HEADER_BYTES) {
    throw new TableFormatError(
      `Cannot read range table: format version ${header.formatVersion}, this build reads ${FORMAT_VERSION}`,
    );
  }
  if (header.v4IndexBits < MIN_INDEX_BITS || header.v4IndexBits > MAX_INDEX_BITS) {
    throw new TableFormatError(`Cannot read range table: index width ${header.v4IndexBits} bits`);
  }
  const expected = tableLayout(header).fileBytes;
  if (header.fileBytes !== expected || byteLength !== expected) {
    throw new TableFormatError(
      `Cannot read range table: ${byteLength} bytes, the header describes ${expected} (truncated or corrupt)`,
    );
  }
  return header;
}

function readLabel(bytes: Uint8Array): string {
  const end = bytes.indexOf(0);
  const label = String.fromCharCode(...bytes.subarray(0, end < 0 ? bytes.length : end));
  if (!LABEL_TEXT.test(label)) {
    throw new TableFormatError(`Cannot read range table: source label is not printable ASCII`);
  }
  return label;
}

/** A table's version: the first 16 hex digits of the source checksum (and of its file name). */
export function tableVersion(sourceChecksum: string): string {
  return sourceChecksum.slice(0, 16);
}

/**
 * The version recorded on enriched rows (`geo_table_version`): the table version, after the
 * source label when the table has one ("DB-IP Lite country 2026-06 CC BY 4.0 3f2a9c0d1e2b4a5c").
 */
export function rowVersion(header: Pick<TableHeader, "sourceChecksum" | "sourceLabel">): string {
  const version = tableVersion(header.sourceChecksum);
  return header.sourceLabel === "" ? version : `${header.sourceLabel} ${version}`;
}

/**
 * The IPv4 index width for `ranges` ranges: 16 bits (a 256 KiB index that stays in cache) up
 * to 64 ranges per bucket; wider only for larger tables. Measured on 3M ranges: 16 bits was as
 * fast as 18-22 (the lookup is bound by cache misses on the range arrays, not by the search).
 */
export function indexBitsFor(ranges: number): number {
  const bits = Math.ceil(Math.log2(Math.max(1, ranges) / 64));
  return Math.min(20, Math.max(16, bits));
}
