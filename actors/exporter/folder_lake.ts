/**
 * The embedded lake: a local folder. Staging lives inside the lake root (`_staging/g<N>`), so
 * publishing is a same-filesystem rename into `bronze/summary/dt=.../part-g<N>-<i>.parquet`.
 * Publishing is durable before it returns (and so before the manifest records it): every file
 * is fsynced before its rename, and every directory whose entries changed after the renames.
 */
import { dirOf, syncDir, syncFile } from "../../files/durable_file.ts";
import { listFiles, removeIfPresent } from "../../files/file_tree.ts";
import { getLogger } from "../../observability/log.ts";
import type { ExportTarget } from "../../messages/staging_generations.ts";
import { DIMENSIONS, isGenerationFile, type Lake, type Published } from "./lake.ts";
import { parquetRowCount } from "./parquet_footer.ts";

const log = getLogger("exporter");

/** The file operations publishing makes durable (a seam to observe their order in tests). */
export interface LakeFiles {
  syncFile(path: string): Promise<void>;
  syncDir(path: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
}

const localFiles: LakeFiles = { syncFile, syncDir, rename: Deno.rename };

/** A lake in a local folder. */
export class FolderLake implements Lake {
  readonly location: string;
  readonly #root: string;
  readonly #files: LakeFiles;
  #parentWarned = false;

  /** `root` is the lake folder (`LAKE`); files go under `<root>/bronze/summary`. */
  constructor(root: string, files: LakeFiles = localFiles) {
    this.#root = root.replace(/\/+$/, "");
    this.location = `${this.#root}/bronze/summary`;
    this.#files = files;
  }

  /** The local folder staged files go to. */
  stagingDir(generation: number): string {
    return `${this.#root}/_staging/g${generation}`;
  }

  staging(generation: number): ExportTarget {
    return { kind: "folder", dir: this.stagingDir(generation) };
  }

  async stagedRowCount(generation: number): Promise<number> {
    const dir = this.stagingDir(generation);
    const files = (await listFiles(dir)).filter((f) => f.endsWith(".parquet"));
    return await parquetRowCount(files.map((f) => `${dir}/${f}`));
  }

  async publish(generation: number): Promise<Published> {
    const staged = (await listFiles(this.stagingDir(generation))).sort();
    const foreign = staged.filter((f) => !isGenerationFile(f, generation));
    if (foreign.length > 0) {
      throw new Error(
        `Staging folder of generation ${generation} holds unexpected files: ${foreign}`,
      );
    }
    for (const old of await listFiles(this.location)) {
      if (isGenerationFile(old, generation)) await Deno.remove(`${this.location}/${old}`);
    }
    const fs = this.#files;
    for (const file of staged) await fs.syncFile(`${this.stagingDir(generation)}/${file}`);
    const changed = new Set<string>();
    for (const file of staged) {
      const target = `${this.location}/${file}`;
      await Deno.mkdir(dirOf(target), { recursive: true });
      await fs.rename(`${this.stagingDir(generation)}/${file}`, target);
      changed.add(dirOf(target));
    }
    // The renamed entries, and the entries of folders mkdir may have created, up to the root's.
    const root = this.#root === "" ? "/" : this.#root;
    for (const dir of [this.location, `${this.#root}/bronze`, root]) changed.add(dir);
    if (this.#mayRead(dirOf(root))) changed.add(dirOf(root));
    for (const dir of changed) await fs.syncDir(dir);
    await removeIfPresent(this.stagingDir(generation));
    return { location: this.location, files: staged };
  }

  /**
   * Whether the folder above the lake may be opened to sync the lake root's own entry: a derived
   * permission set grants the lake, not its parent. Without it the root's entry (created once,
   * at the first export) is left to the file system, said once in the log.
   */
  #mayRead(path: string): boolean {
    if (Deno.permissions.querySync({ name: "read", path }).state === "granted") return true;
    if (!this.#parentWarned) {
      this.#parentWarned = true;
      log.warn("LakeRootEntryNotSynced", {
        parent: path,
        hint: "create the LAKE folder before the first start so its own entry is durable",
      });
    }
    return false;
  }

  localCopies(_generation: number, published: Published): Promise<string[]> {
    return Promise.resolve(published.files.map((f) => `${published.location}/${f}`));
  }

  discardStaging(generation: number): Promise<void> {
    return removeIfPresent(this.stagingDir(generation));
  }

  dimensionsStaging(): string {
    return `${this.#root}/_staging/dimensions`;
  }

  async publishDimensions(): Promise<string[]> {
    const fs = this.#files;
    const published: string[] = [];
    for (const name of DIMENSIONS) {
      const staged = `${this.dimensionsStaging()}/${name}.parquet`;
      const target = `${this.#root}/bronze/${name}/part-0.parquet`;
      await fs.syncFile(staged);
      await Deno.mkdir(dirOf(target), { recursive: true });
      await fs.rename(staged, target); // replaces the last snapshot whole
      await fs.syncDir(dirOf(target));
      await fs.syncDir(`${this.#root}/bronze`);
      published.push(target);
    }
    await removeIfPresent(this.dimensionsStaging());
    return published;
  }
}
