/**
 * The row count of a Parquet file, read from its footer without a Parquet library: the file ends
 * with its metadata (Thrift compact protocol), a 4-byte little-endian length and `PAR1`, and the
 * metadata's field 3 is `num_rows`. The exporter verifies what landed with it, in its own Worker,
 * without loading DuckDB's native library (BigQuery mode never does).
 */

/** A file that is not a Parquet file, or whose footer cannot be read. */
export class ParquetFooterError extends Error {
  override name = "ParquetFooterError";
}

const MAGIC = [0x50, 0x41, 0x52, 0x31]; // PAR1

/** Thrift compact protocol types. */
const enum T {
  Stop = 0,
  True = 1,
  False = 2,
  Byte = 3,
  I16 = 4,
  I32 = 5,
  I64 = 6,
  Double = 7,
  Binary = 8,
  List = 9,
  Set = 10,
  Map = 11,
  Struct = 12,
}

/** A cursor over Thrift compact bytes. */
class Compact {
  at = 0;
  constructor(private readonly bytes: Uint8Array, private readonly where: string) {}

  byte(): number {
    const b = this.bytes[this.at++];
    if (b === undefined) throw new ParquetFooterError(`${this.where}: the footer ends early`);
    return b;
  }

  varint(): bigint {
    let value = 0n;
    for (let shift = 0n;; shift += 7n) {
      const b = this.byte();
      value |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return value;
      if (shift > 63n) throw new ParquetFooterError(`${this.where}: a varint is too long`);
    }
  }

  zigzag(): bigint {
    const v = this.varint();
    return (v >> 1n) ^ -(v & 1n);
  }

  skip(type: number, depth = 0): void {
    if (depth > 64) throw new ParquetFooterError(`${this.where}: the footer nests too deep`);
    switch (type) {
      case T.True:
      case T.False:
        return;
      case T.Byte:
        this.at += 1;
        return;
      case T.I16:
      case T.I32:
      case T.I64:
        this.varint();
        return;
      case T.Double:
        this.at += 8;
        return;
      case T.Binary: {
        const length = Number(this.varint()); // read before `at` moves past it
        this.at += length;
        return;
      }
      case T.List:
      case T.Set: {
        const header = this.byte();
        const size = (header >> 4) === 15 ? Number(this.varint()) : header >> 4;
        const element = header & 0x0f;
        for (let i = 0; i < size; i++) {
          if (element === T.True || element === T.False) this.at += 1; // one byte per boolean
          else this.skip(element, depth + 1);
        }
        return;
      }
      case T.Map: {
        const size = Number(this.varint());
        if (size === 0) return;
        const kinds = this.byte();
        for (let i = 0; i < size; i++) {
          this.skip(kinds >> 4, depth + 1);
          this.skip(kinds & 0x0f, depth + 1);
        }
        return;
      }
      case T.Struct:
        for (
          let field = this.fieldHeader(0);
          field.type !== T.Stop;
          field = this.fieldHeader(field.id)
        ) {
          this.skip(field.type, depth + 1);
        }
        return;
      default:
        throw new ParquetFooterError(`${this.where}: unknown Thrift type ${type} in the footer`);
    }
  }

  /** The next field's id and type (`id` of the one before, for the short form). */
  fieldHeader(previous: number): { id: number; type: number } {
    const header = this.byte();
    const type = header & 0x0f;
    if (type === T.Stop) return { id: 0, type };
    const delta = header >> 4;
    return { id: delta === 0 ? Number(this.zigzag()) : previous + delta, type };
  }
}

/** `num_rows` of a file's metadata (the bytes between the data and the length). */
export function rowsInFooter(footer: Uint8Array, where = "Parquet footer"): number {
  const reader = new Compact(footer, where);
  for (
    let field = reader.fieldHeader(0);
    field.type !== T.Stop;
    field = reader.fieldHeader(field.id)
  ) {
    if (field.id === 3 && field.type === T.I64) return Number(reader.zigzag());
    reader.skip(field.type);
  }
  throw new ParquetFooterError(`${where}: the footer holds no row count`);
}

/** The footer's length from a file's last 8 bytes (length, then `PAR1`). */
export function footerLength(tail: Uint8Array, where: string): number {
  if (tail.length !== 8 || !MAGIC.every((b, i) => tail[4 + i] === b)) {
    throw new ParquetFooterError(`${where} is not a Parquet file: it does not end with PAR1`);
  }
  return new DataView(tail.buffer, tail.byteOffset, 8).getUint32(0, true);
}

/** Rows in a local Parquet file, from its footer. */
export async function parquetFileRows(path: string): Promise<number> {
  using file = await Deno.open(path, { read: true });
  const size = (await file.stat()).size;
  if (size < 12) throw new ParquetFooterError(`${path} is not a Parquet file: ${size} bytes`);
  const read = async (at: number, length: number) => {
    const bytes = new Uint8Array(length);
    await file.seek(at, Deno.SeekMode.Start);
    for (let got = 0; got < length;) {
      const n = await file.read(bytes.subarray(got));
      if (n === null) throw new ParquetFooterError(`${path} ended while reading its footer`);
      got += n;
    }
    return bytes;
  };
  const length = footerLength(await read(size - 8, 8), path);
  if (length > size - 12) {
    throw new ParquetFooterError(`${path}: a footer of ${length} bytes cannot fit in ${size}`);
  }
  return rowsInFooter(await read(size - 8 - length, length), path);
}

/** Total rows in the local Parquet files at `paths` (0 for none). */
export async function parquetRowCount(paths: readonly string[]): Promise<number> {
  let rows = 0;
  for (const path of paths) rows += await parquetFileRows(path);
  return rows;
}
