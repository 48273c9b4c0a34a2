/**
 * The at-scale lake: Cloud Storage. Files are staged in a local folder and uploaded (resumable),
 * or, with `serverSide`, staged by BigQuery's EXPORT DATA under `<prefix>/_staging/g<N>/` and
 * copied within the bucket; either way they land under
 * `<prefix>/bronze/summary/dt=.../part-g<N>-<i>.parquet`, each verified against the object's size,
 * MD5 and CRC32C, with stale objects of the same generation removed first. Staged row counts are
 * read from the files' footers (remote ones by ranged reads). Every request has a time cap, so an
 * unreachable bucket fails the export instead of hanging it.
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { CRC32C, type Storage } from "@google-cloud/storage";
import { listFiles, removeIfPresent } from "../../files/file_tree.ts";
import type { ExportTarget } from "../../messages/staging_generations.ts";
import { withDeadline } from "../writer/deadline.ts";
import { DIMENSIONS, isGenerationFile, type Lake, type Published } from "./lake.ts";
import { footerLength, parquetRowCount, rowsInFooter } from "./parquet_footer.ts";

/** Where the lake lives. */
export interface GcsLakeOptions {
  readonly storage: Storage;
  readonly bucket: string;
  /** Object prefix without slashes at either end ("" for the bucket root). */
  readonly prefix: string;
  /** Local scratch folder for staging and downloaded copies. */
  readonly scratchDir: string;
  /** Time cap of one request (default 30 s; an upload gets it per 8 MiB of file too). */
  readonly requestTimeoutMs?: number;
  /** Staged in the bucket by the warehouse (BigQuery's EXPORT DATA) instead of a local folder. */
  readonly serverSide?: boolean;
}

/** Size, MD5 (base64) and CRC32C (base64) of a local file, as GCS reports them. */
async function digests(path: string) {
  const data = await Deno.readFile(path);
  const crc = new CRC32C();
  crc.update(Buffer.from(data.buffer, data.byteOffset, data.byteLength));
  return {
    size: data.byteLength,
    md5: createHash("md5").update(data).digest("base64"),
    crc32c: crc.toString(),
  };
}

/** Thrown when an uploaded object does not match the local file. */
export class UploadVerificationError extends Error {
  override name = "UploadVerificationError";
}

/** A lake in a Cloud Storage bucket. */
export class GcsLake implements Lake {
  readonly location: string;
  readonly #options: GcsLakeOptions;
  readonly #root: string;
  /** Object prefix of remote staging, ending in "/" ("_staging/" at the bucket root). */
  readonly #stagingRoot: string;

  /** Files go under `gs://<bucket>/<prefix>/bronze/summary`. */
  constructor(options: GcsLakeOptions) {
    this.#options = options;
    const prefix = options.prefix.replace(/^\/+|\/+$/g, "");
    this.#root = prefix === "" ? "bronze/summary" : `${prefix}/bronze/summary`;
    this.#stagingRoot = prefix === "" ? "_staging/" : `${prefix}/_staging/`;
    this.location = `gs://${options.bucket}/${this.#root}`;
  }

  dimensionsStaging(): string {
    return `${this.#options.scratchDir}/_staging/dimensions`;
  }

  async publishDimensions(): Promise<string[]> {
    const base = this.#root.slice(0, -"summary".length);
    const published: string[] = [];
    for (const name of DIMENSIONS) {
      const local = `${this.dimensionsStaging()}/${name}.parquet`;
      const object = `${base}${name}/part-0.parquet`;
      await this.#timed(
        `upload ${object}`,
        () =>
          this.#bucket().upload(local, {
            destination: object,
            resumable: false,
            validation: "crc32c",
            metadata: { contentType: "application/vnd.apache.parquet" },
          }),
      );
      await this.#verify(local, object);
      published.push(`gs://${this.#options.bucket}/${object}`);
    }
    await removeIfPresent(this.dimensionsStaging());
    return published;
  }

  /** The local folder staged files go to (uploads) or are copied to (verification). */
  stagingDir(generation: number): string {
    return `${this.#options.scratchDir}/_staging/g${generation}`;
  }

  /** The object prefix the warehouse stages a generation under, ending in "/". */
  #stagingPrefix(generation: number): string {
    return `${this.#stagingRoot}g${generation}/`;
  }

  staging(generation: number): ExportTarget {
    return this.#options.serverSide === true
      ? { kind: "gcs", uri: `gs://${this.#options.bucket}/${this.#stagingPrefix(generation)}` }
      : { kind: "folder", dir: this.stagingDir(generation) };
  }

  async stagedRowCount(generation: number): Promise<number> {
    if (this.#options.serverSide !== true) {
      const dir = this.stagingDir(generation);
      const files = (await listFiles(dir)).filter((f) => f.endsWith(".parquet"));
      return await parquetRowCount(files.map((f) => `${dir}/${f}`));
    }
    let rows = 0;
    for (const file of await this.#stagedObjects(generation)) {
      rows += await this.#objectRows(file.name, Number(file.metadata.size));
    }
    return rows;
  }

  /** The objects the warehouse staged for `generation`. */
  async #stagedObjects(generation: number) {
    const prefix = this.#stagingPrefix(generation);
    const [files] = await this.#timed(
      "list staged objects",
      () => this.#bucket().getFiles({ prefix }),
    );
    return files.filter((f) => f.name.endsWith(".parquet"));
  }

  /** Rows of a Parquet object, from its footer (two ranged reads). */
  async #objectRows(name: string, size: number): Promise<number> {
    const where = `gs://${this.#options.bucket}/${name}`;
    const read = async (start: number, end: number) => {
      const [bytes] = await this.#timed(
        `read ${name}`,
        () => this.#bucket().file(name).download({ start, end, validation: false }),
      );
      return new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    };
    const length = footerLength(await read(size - 8, size - 1), where);
    return rowsInFooter(await read(size - 8 - length, size - 9), where);
  }

  #bucket() {
    return this.#options.storage.bucket(this.#options.bucket);
  }

  /** Runs one request with the lake's time cap (`scale`: caps for large transfers). */
  #timed<T>(what: string, run: () => Promise<T>, scale = 1): Promise<T> {
    const ms = (this.#options.requestTimeoutMs ?? 30_000) * Math.max(1, scale);
    return withDeadline(`Cloud Storage ${what}`, ms, run);
  }

  async publish(generation: number): Promise<Published> {
    if (this.#options.serverSide === true) return await this.#publishStaged(generation);
    const staged = (await listFiles(this.stagingDir(generation))).sort();
    const foreign = staged.filter((f) => !isGenerationFile(f, generation));
    if (foreign.length > 0) {
      throw new Error(
        `Staging folder of generation ${generation} holds unexpected files: ${foreign}`,
      );
    }
    await this.#removePublished(generation);
    for (const file of staged) {
      const local = `${this.stagingDir(generation)}/${file}`;
      const name = `${this.#root}/${file}`;
      const size = (await Deno.stat(local)).size;
      await this.#timed(
        `upload ${name}`,
        () =>
          this.#bucket().upload(local, {
            destination: name,
            resumable: true,
            validation: "crc32c",
            metadata: { contentType: "application/vnd.apache.parquet" },
          }),
        size / (8 * 1024 * 1024),
      );
      await this.#verify(local, name);
    }
    await removeIfPresent(this.stagingDir(generation));
    return { location: this.location, files: staged };
  }

  /** Removes the objects an earlier attempt published for `generation`. */
  async #removePublished(generation: number): Promise<void> {
    const [existing] = await this.#timed(
      "list objects",
      () => this.#bucket().getFiles({ prefix: `${this.#root}/` }),
    );
    for (const old of existing) {
      if (isGenerationFile(old.name.slice(this.#root.length + 1), generation)) {
        await this.#timed(`delete ${old.name}`, () => old.delete({ ignoreNotFound: true }));
      }
    }
  }

  /** Copies the objects the warehouse staged into place, each checked, then removes them. */
  async #publishStaged(generation: number): Promise<Published> {
    const prefix = this.#stagingPrefix(generation);
    const staged = (await this.#stagedObjects(generation)).sort((a, b) => a.name < b.name ? -1 : 1);
    const relative = staged.map((f) => f.name.slice(prefix.length));
    const foreign = relative.filter((f) => !isGenerationFile(f, generation));
    if (foreign.length > 0) {
      throw new Error(
        `Staged objects of generation ${generation} have unexpected names: ${foreign}`,
      );
    }
    await this.#removePublished(generation);
    for (const [i, file] of staged.entries()) {
      const name = `${this.#root}/${relative[i]}`;
      const size = Number(file.metadata.size);
      await this.#timed(
        `copy ${file.name}`,
        () => file.copy(this.#bucket().file(name)),
        size / (8 * 1024 * 1024),
      );
      const [copied] = await this.#timed(
        `read metadata of ${name}`,
        () => this.#bucket().file(name).getMetadata(),
      );
      if (Number(copied.size) !== size || copied.crc32c !== file.metadata.crc32c) {
        throw new UploadVerificationError(
          `Copied gs://${this.#options.bucket}/${name} does not match ${file.name}: size ` +
            `${copied.size} vs ${size}, CRC32C ${copied.crc32c} vs ${file.metadata.crc32c}`,
        );
      }
    }
    await this.#removeStaged(generation);
    return { location: this.location, files: relative };
  }

  /** Removes the objects the warehouse staged for `generation`. */
  async #removeStaged(generation: number): Promise<void> {
    for (const file of await this.#stagedObjects(generation)) {
      await this.#timed(`delete ${file.name}`, () => file.delete({ ignoreNotFound: true }));
    }
  }

  async #verify(local: string, name: string): Promise<void> {
    const expected = await digests(local);
    const [metadata] = await this.#timed(
      `read metadata of ${name}`,
      () => this.#bucket().file(name).getMetadata(),
    );
    const actual = {
      size: Number(metadata.size),
      md5: metadata.md5Hash,
      crc32c: metadata.crc32c,
    };
    if (
      actual.size !== expected.size || actual.md5 !== expected.md5 ||
      actual.crc32c !== expected.crc32c
    ) {
      throw new UploadVerificationError(
        `Uploaded gs://${this.#options.bucket}/${name} does not match ${local}: ` +
          `expected ${JSON.stringify(expected)}, object has ${JSON.stringify(actual)}`,
      );
    }
  }

  async localCopies(generation: number, published: Published): Promise<string[]> {
    const dir = `${this.#options.scratchDir}/_verify`;
    await removeIfPresent(dir);
    const paths: string[] = [];
    for (const file of published.files) {
      const path = `${dir}/g${generation}/${file}`;
      await Deno.mkdir(path.slice(0, path.lastIndexOf("/")), { recursive: true });
      await this.#timed(
        `download ${file}`,
        () => this.#bucket().file(`${this.#root}/${file}`).download({ destination: path }),
      );
      paths.push(path);
    }
    return paths;
  }

  async discardStaging(generation: number): Promise<void> {
    await removeIfPresent(this.stagingDir(generation));
    if (this.#options.serverSide === true) await this.#removeStaged(generation);
  }
}
