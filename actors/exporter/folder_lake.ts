/**
 * The embedded lake: a local folder. Staging lives inside the lake root (`_staging/g<N>`), so
 * publishing is a same-filesystem rename into `bronze/summary/dt=.../part-g<N>-<i>.parquet`.
 */
import { isGenerationFile, type Lake, type Published } from "./lake.ts";

async function listFiles(root: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  let entries: AsyncIterable<Deno.DirEntry>;
  try {
    entries = Deno.readDir(`${root}/${prefix}`);
    for await (const entry of entries) {
      const relative = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
      if (entry.isDirectory) out.push(...await listFiles(root, relative));
      else if (entry.isFile) out.push(relative);
    }
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return out;
    throw error;
  }
  return out;
}

async function removeIfPresent(path: string): Promise<void> {
  try {
    await Deno.remove(path, { recursive: true });
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
}

/** A lake in a local folder. */
export class FolderLake implements Lake {
  readonly location: string;
  readonly #root: string;

  /** `root` is the lake folder (`LAKE`); files go under `<root>/bronze/summary`. */
  constructor(root: string) {
    this.#root = root.replace(/\/+$/, "");
    this.location = `${this.#root}/bronze/summary`;
  }

  stagingDir(generation: number): string {
    return `${this.#root}/_staging/g${generation}`;
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
    for (const file of staged) {
      const target = `${this.location}/${file}`;
      await Deno.mkdir(target.slice(0, target.lastIndexOf("/")), { recursive: true });
      await Deno.rename(`${this.stagingDir(generation)}/${file}`, target);
    }
    await removeIfPresent(this.stagingDir(generation));
    return { location: this.location, files: staged };
  }

  localCopies(_generation: number, published: Published): Promise<string[]> {
    return Promise.resolve(published.files.map((f) => `${published.location}/${f}`));
  }

  discardStaging(generation: number): Promise<void> {
    return removeIfPresent(this.stagingDir(generation));
  }
}
