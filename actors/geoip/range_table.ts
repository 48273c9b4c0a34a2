/**
 * Lookups over one range table held in memory (a mapping, a SharedArrayBuffer or plain bytes):
 * typed-array views straight over the file's sections, a top-k-bit index then a binary search
 * for IPv4, a 128-bit binary search for IPv6. Results are built once per location and reused.
 */
import type { GeoLookup, GeoResult } from "./geo_lookup.ts";
import { parseIpv4, parseIpv6 } from "./ip_parse.ts";
import {
  NO_COORD,
  NONE,
  readHeader,
  rowVersion,
  type TableHeader,
  tableLayout,
} from "./table_format.ts";

/** How a table's bytes are held: an mmap of the file, a read into a SharedArrayBuffer, or a
 * SharedArrayBuffer received from the actor that read it. */
export type MappingKind = "mmap" | "read" | "shared";

/** Where a table's bytes come from, and how to give them back. */
export interface TableSource {
  readonly path: string;
  readonly mapping: MappingKind;
  /** Frees the bytes (munmap); called once, by `close()`. */
  readonly release: () => void;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const words = new Uint32Array(4);
const decoder = new TextDecoder();

/** One version of the range table; implements the enrichers' GeoLookup. */
export class RangeTable implements GeoLookup {
  /** Version recorded on enriched rows (source label and checksum). */
  readonly version: string;
  readonly header: TableHeader;
  readonly path: string;
  readonly mapping: MappingKind;
  /** The table's bytes (a SharedArrayBuffer when `mapping` is "read" or "shared"). */
  readonly buffer: ArrayBufferLike;
  readonly #release: () => void;
  #closed = false;
  readonly #v4Index: Uint32Array;
  readonly #v4Shift: number;
  readonly #v4Starts: Uint32Array;
  readonly #v4Ends: Uint32Array;
  readonly #v4Locs: Uint32Array;
  readonly #v6Starts: Uint32Array;
  readonly #v6Ends: Uint32Array;
  readonly #v6Locs: Uint32Array;
  readonly #locStrings: Uint32Array;
  readonly #locCoords: Int32Array;
  readonly #strOffsets: Uint32Array;
  readonly #strBytes: Uint8Array;
  readonly #results: Array<GeoResult | undefined> = [];

  /** Reads the header of `buffer` (throws TableFormatError) and lays views over the sections. */
  constructor(buffer: ArrayBufferLike, byteLength: number, source: TableSource) {
    if (!LITTLE_ENDIAN) throw new RangeError("Cannot read range table on a big-endian machine");
    const header = readHeader(buffer, byteLength);
    const at = tableLayout(header);
    const u32 = (offset: number, length: number) => new Uint32Array(buffer, offset, length);
    this.header = header;
    this.version = rowVersion(header);
    this.path = source.path;
    this.mapping = source.mapping;
    this.buffer = buffer;
    this.#release = source.release;
    this.#v4Index = u32(at.v4Index, 2 ** header.v4IndexBits + 1);
    this.#v4Shift = 32 - header.v4IndexBits;
    this.#v4Starts = u32(at.v4Starts, header.v4Count);
    this.#v4Ends = u32(at.v4Ends, header.v4Count);
    this.#v4Locs = u32(at.v4Locs, header.v4Count);
    this.#v6Starts = u32(at.v6Starts, 4 * header.v6Count);
    this.#v6Ends = u32(at.v6Ends, 4 * header.v6Count);
    this.#v6Locs = u32(at.v6Locs, header.v6Count);
    this.#locStrings = u32(at.locStrings, 4 * header.locationCount);
    this.#locCoords = new Int32Array(buffer, at.locCoords, 2 * header.locationCount);
    this.#strOffsets = u32(at.strOffsets, header.stringCount + 1);
    this.#strBytes = new Uint8Array(buffer, at.strBytes, header.stringBytes);
  }

  /** True once `close()` ran: the bytes may be unmapped, lookups throw. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Looks `ip` up; see GeoLookup. Throws only when the table was closed (a caller bug). */
  lookup(ip: string): GeoResult | null | "invalid" {
    if (this.#closed) {
      throw new Error(`Cannot look up ${ip}: range table ${this.version} is closed`);
    }
    if (typeof ip !== "string") return "invalid";
    const v4 = parseIpv4(ip);
    if (v4 >= 0) return this.lookupV4(v4);
    if (!parseIpv6(ip, words)) return "invalid";
    if (words[0] === 0 && words[1] === 0 && words[2] === 0xffff) return this.lookupV4(words[3]!);
    return this.lookupV6(words);
  }

  /** Looks up an IPv4 address given as its 32-bit value. */
  lookupV4(ip: number): GeoResult | null {
    const starts = this.#v4Starts;
    const bucket = ip >>> this.#v4Shift;
    // Ranges of earlier buckets start below ip; those of later buckets start above it: search
    // this bucket for the first start above ip; the range before it is the only candidate.
    let low = this.#v4Index[bucket]!;
    let high = this.#v4Index[bucket + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (starts[mid]! <= ip) low = mid + 1;
      else high = mid;
    }
    const i = low - 1;
    if (i < 0 || this.#v4Ends[i]! < ip) return null;
    return this.#result(this.#v4Locs[i]!);
  }

  /** Looks up an IPv6 address given as four big-endian 32-bit words. */
  lookupV6(ip: Uint32Array): GeoResult | null {
    let low = 0;
    let high = this.#v6Locs.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (compare128(this.#v6Starts, mid, ip) <= 0) low = mid + 1;
      else high = mid;
    }
    const i = low - 1;
    if (i < 0 || compare128(this.#v6Ends, i, ip) < 0) return null;
    return this.#result(this.#v6Locs[i]!);
  }

  /** Marks the table closed and releases its bytes (munmap). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#release();
  }

  #result(loc: number): GeoResult {
    const cached = this.#results[loc];
    if (cached !== undefined) return cached;
    const s = this.#locStrings;
    const lat = this.#locCoords[2 * loc]!;
    const lon = this.#locCoords[2 * loc + 1]!;
    const result: GeoResult = Object.freeze({
      countryCode: this.#string(s[4 * loc]!),
      country: this.#string(s[4 * loc + 1]!),
      region: this.#string(s[4 * loc + 2]!),
      city: this.#string(s[4 * loc + 3]!),
      latitude: lat === NO_COORD ? null : lat / 1e6,
      longitude: lon === NO_COORD ? null : lon / 1e6,
    });
    this.#results[loc] = result;
    return result;
  }

  #string(id: number): string | null {
    if (id === NONE) return null;
    return decoder.decode(
      this.#strBytes.subarray(this.#strOffsets[id]!, this.#strOffsets[id + 1]!),
    );
  }
}

/** Compares the 128-bit value at `table[4i..4i+3]` with `key`: negative, zero or positive. */
function compare128(table: Uint32Array, i: number, key: Uint32Array): number {
  for (let w = 0; w < 4; w++) {
    const a = table[4 * i + w]!;
    const b = key[w]!;
    if (a !== b) return a < b ? -1 : 1;
  }
  return 0;
}
