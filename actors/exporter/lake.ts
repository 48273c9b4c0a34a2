/**
 * The lake seam: where verified Parquet files of a staging generation end up (the Bronze layer).
 * Two implementations: a local folder (embedded default) and Cloud Storage (at scale). Files are
 * written to a staging place first (`staging`: a local folder, or for BigQuery's server-side
 * export a `gs://` prefix), counted there, then published under their final names.
 */
import type { ExportTarget } from "../../messages/staging_generations.ts";

/** A generation's files as published. */
export interface Published {
  /** Where the files are, e.g. `/data/lake/bronze/summary` or `gs://bucket/prefix/bronze/summary`. */
  readonly location: string;
  /** Paths relative to `location`, sorted: `dt=YYYY-MM-DD/part-g<N>-<i>.parquet`. */
  readonly files: readonly string[];
}

/** The Bronze lake. */
export interface Lake {
  /** Human-readable root, for logs and the manifest. */
  readonly location: string;
  /** Where the generation's Parquet files are written before publishing. */
  staging(generation: number): ExportTarget;
  /** Rows in the generation's staged files (read from their footers); 0 when there are none. */
  stagedRowCount(generation: number): Promise<number>;
  /**
   * Moves the staged files of `generation` into place, first removing any file an interrupted
   * earlier attempt published for the same generation, and then removes the staging folder.
   */
  publish(generation: number): Promise<Published>;
  /** Local paths of the published files, to verify them (may download for a remote lake). */
  localCopies(generation: number, published: Published): Promise<string[]>;
  /** Removes leftovers of an attempt that will not be published (staging folder). */
  discardStaging(generation: number): Promise<void>;
  /** The local folder the warehouse writes the dimension snapshots to (`DIMENSIONS` names). */
  dimensionsStaging(): string;
  /**
   * Publishes the staged snapshots as `bronze/<name>/part-0.parquet`, each replacing the last
   * one whole; returns where they are.
   */
  publishDimensions(): Promise<string[]>;
}

/** The dimension snapshots: staged as `<name>.parquet`, published under `bronze/<name>/`. */
export const DIMENSIONS = ["user_agent", "products"] as const;

/**
 * The relative name pattern of a generation's files: `dt=YYYY-MM-DD/part-g<N>-<i>.parquet`, or
 * under `dt=__HIVE_DEFAULT_PARTITION__` for rows whose event date is unknown or not a date.
 */
export function isGenerationFile(relative: string, generation: number): boolean {
  return new RegExp(
    `^dt=(\\d{4}-\\d{2}-\\d{2}|__HIVE_DEFAULT_PARTITION__)/part-g${generation}-\\d+\\.parquet$`,
  ).test(relative);
}
