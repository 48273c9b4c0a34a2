/**
 * The at-scale lake: Cloud Storage. Files are written to a local staging folder, then uploaded
 * (resumable) under `<prefix>/bronze/summary/dt=.../part-g<N>-<i>.parquet`, each verified after
 * upload against the object's size, MD5 and CRC32C; stale objects of the same generation go first.
 * Every request has a time cap, so an unreachable bucket fails the export instead of hanging it.
 */

import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { CRC32C, type Storage } from "@google-cloud/storage";
import { listFiles, removeIfPresent } from "../../files/file_tree.ts";
import { withDeadline } from "../writer/deadline.ts";
import { isGenerationFile, type Lake, type Published } from "./lake.ts";

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

  /** Files go under `gs://<bucket>/<prefix>/bronze/summary`. */
  constructor(options: GcsLakeOptions) {
    this.#options = options;
    const prefix = options.prefix.replace(/^\/+|\/+$/g, "");
    this.#root = prefix === "" ? "bronze/summary" : `${prefix}/bronze/summary`;
    this.location = `gs://${options.bucket}/${this.#root}`;
  }

  stagingDir(generation: number): string {
    return `${this.#options.scratchDir}/_staging/g${generation}`;
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
    const staged = (await listFiles(this.stagingDir(generation))).sort();
    const foreign = staged.filter((f) => !isGenerationFile(f, generation));
    if (foreign.length > 0) {
      throw new Error(
        `Staging folder of generation ${generation} holds unexpected files: ${foreign}`,
      );
    }
    const [existing] = await this.#timed(
      "list objects",
      () => this.#bucket().getFiles({ prefix: `${this.#root}/` }),
    );
    for (const old of existing) {
      if (isGenerationFile(old.name.slice(this.#root.length + 1), generation)) {
        await this.#timed(`delete ${old.name}`, () => old.delete({ ignoreNotFound: true }));
      }
    }
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

  discardStaging(generation: number): Promise<void> {
    return removeIfPresent(this.stagingDir(generation));
  }
}
