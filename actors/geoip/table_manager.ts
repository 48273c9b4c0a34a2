/**
 * Keeps the current table file of the geoip actor: builds CSV sources (configured DB5 files, or
 * the default DB-IP Lite country files) into the data directory
 * when the table is missing or the sources changed (size and mtime decide whether to hash, the
 * SHA-256 decides whether to build), or copies a given table there; reports path and version.
 */
import { getLogger, type Logger } from "../../observability/log.ts";
import type { GeoipSource } from "./geoip_source.ts";
import {
  type BuildProgress,
  buildTable,
  describeProblem,
  type ProblemMode,
} from "./table_builder.ts";
import { readHeader, TableFormatError, tableVersion } from "./table_format.ts";
import { sourceChecksum, type SourceFile } from "./source_checksum.ts";
import { removeIfPresent } from "./table_writer.ts";

/** A table file ready to open, and its version. */
export interface TableRef {
  readonly path: string;
  readonly version: string;
}

/** Options of the manager. */
export interface ManagerOptions {
  /** Bad CSV lines: "skip" (default; each is logged) or "fail" (the build throws). */
  readonly mode?: ProblemMode;
  readonly logger?: Logger;
  readonly onProgress?: (progress: BuildProgress) => void;
}

/** Outcome of `ensure()`: the current table and whether it changed. */
export interface EnsureResult {
  readonly table: TableRef;
  readonly changed: boolean;
  /** The sources' sizes and times it was checked against (see `ensure`'s `known`). */
  readonly sources: string;
}

const TABLE_FILE = /^table-[0-9a-f]{16}\.bin(\.tmp-.*)?$/;
const MAX_LOGGED_PROBLEMS = 100;

/** Reads and checks the header of a table file; null when absent or unreadable. */
async function tableChecksum(path: string): Promise<string | null> {
  try {
    using file = await Deno.open(path);
    const size = (await file.stat()).size;
    const bytes = new Uint8Array(128);
    if (size < bytes.length || (await file.read(bytes)) !== bytes.length) return null;
    return readHeader(bytes.buffer, size).sourceChecksum;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound || error instanceof TableFormatError) return null;
    throw error;
  }
}

/** Produces the current table for a source; call `ensure()` at start and on each refresh. */
export class GeoipTableManager {
  readonly #source: GeoipSource;
  readonly #mode: ProblemMode;
  readonly #log: Logger;
  readonly #onProgress: ((progress: BuildProgress) => void) | undefined;
  #statKey = "";
  #current: TableRef | null = null;

  /** Manages the table of `source` (a resolved GeoipSource). */
  constructor(source: GeoipSource, options: ManagerOptions = {}) {
    this.#source = source;
    this.#mode = options.mode ?? "skip";
    this.#log = options.logger ?? getLogger("geoip");
    this.#onProgress = options.onProgress;
  }

  /**
   * Builds or copies the table when needed; throws when a build or copy fails. `known`: what an
   * earlier manager's `ensure` found (`sources` and `table`), taken as this one's own when it has
   * checked nothing yet, so an unchanged source is not hashed again by a new manager.
   */
  async ensure(known?: { readonly sources: string; readonly table: TableRef }): Promise<
    EnsureResult
  > {
    if (this.#current === null && known !== undefined) {
      this.#statKey = known.sources;
      this.#current = known.table;
    }
    const source = this.#source;
    const files: SourceFile[] = source.kind === "table"
      ? [{ path: source.tablePath, family: 4 }]
      : [
        ...(source.ipv4Csv === null ? [] : [{ path: source.ipv4Csv, family: 4 as const }]),
        ...(source.ipv6Csv === null ? [] : [{ path: source.ipv6Csv, family: 6 as const }]),
      ];
    const statKey = await statsOf(files);
    if (statKey === this.#statKey && this.#current !== null) {
      return { table: this.#current, changed: false, sources: statKey };
    }
    await Deno.mkdir(source.tableDir, { recursive: true });
    const table = source.kind === "table"
      ? await this.#copy(source.tablePath, source.tableDir)
      : await this.#build(files, source);
    const previous = this.#current;
    this.#statKey = statKey;
    this.#current = table;
    await prune(source.tableDir, [table.path, previous?.path]);
    return { table, changed: previous?.version !== table.version, sources: statKey };
  }

  async #build(
    files: SourceFile[],
    source: Extract<GeoipSource, { kind: "csv" }>,
  ): Promise<TableRef> {
    const dir = source.tableDir;
    const version = tableVersion(await sourceChecksum(files));
    const path = `${dir}/table-${version}.bin`;
    if ((await tableChecksum(path))?.startsWith(version)) return { path, version };
    const building = `${path}.tmp-build`;
    let problems = 0;
    const summary = await buildTable({
      ipv4Csv: source.ipv4Csv,
      ipv6Csv: source.ipv6Csv,
      format: source.format,
      sourceLabel: source.sourceLabel,
      out: building,
      mode: this.#mode,
      onProblem: (problem) => {
        if (++problems <= MAX_LOGGED_PROBLEMS) {
          this.#log.warn("GeoipSourceLineRejected", { problem: describeProblem(problem) });
        }
      },
      ...(this.#onProgress === undefined ? {} : { onProgress: this.#onProgress }),
    });
    // The sources may have changed while hashing: the build's own checksum names the file.
    const built = `${dir}/table-${summary.version}.bin`;
    await Deno.rename(building, built);
    const { path: _, ...figures } = summary;
    this.#log.info("GeoipTableBuilt", {
      ...figures,
      path: built,
      source: source.sourceLabel || "GEOIP_CSV",
      linesRejected: problems,
    });
    return { path: built, version: summary.version };
  }

  async #copy(tablePath: string, dir: string): Promise<TableRef> {
    const checksum = await tableChecksum(tablePath);
    if (checksum === null) {
      throw new Error(`Cannot use GEOIP_TABLE ${tablePath}: missing or not a readable range table`);
    }
    const version = tableVersion(checksum);
    const path = `${dir}/table-${version}.bin`;
    // A private copy: an operator overwriting GEOIP_TABLE in place cannot change mapped pages.
    if (await tableChecksum(path) !== checksum) {
      await Deno.copyFile(tablePath, `${path}.tmp-copy`);
      if (await tableChecksum(`${path}.tmp-copy`) !== checksum) {
        throw new Error(`Cannot use GEOIP_TABLE ${tablePath}: it changed while being copied`);
      }
      await Deno.rename(`${path}.tmp-copy`, path);
      this.#log.info("GeoipTableCopied", { from: tablePath, path, version });
    }
    return { path, version };
  }
}

async function statsOf(files: readonly SourceFile[]): Promise<string> {
  const stats = await Promise.all(files.map(async ({ path }) => {
    const info = await Deno.stat(path);
    return [path, info.size, info.mtime?.getTime() ?? null];
  }));
  return JSON.stringify(stats);
}

/** Removes table files other than `keep` (unlinking a mapped file is safe: the inode lives). */
async function prune(dir: string, keep: ReadonlyArray<string | undefined>): Promise<void> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && TABLE_FILE.test(entry.name) && !keep.includes(path)) {
      await removeIfPresent(path);
    }
  }
}
