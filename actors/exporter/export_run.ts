/**
 * The export procedure. Seals the current staging generation (between batches), then for each
 * sealed generation, oldest first: write Parquet to a staging folder, verify the row count read
 * back against the sealed count, publish under final names, verify again, record the manifest
 * entry, and only then drop the generation. Each step is idempotent, so a crash anywhere is
 * repaired by running the procedure again (the pipeline does so at start). After exporting
 * anything it replaces the dimension snapshots beside Bronze (`bronze/user_agent/`,
 * `bronze/products/`), so models never need the warehouse file.
 */
import { getLogger } from "../../observability/log.ts";
import type { Warehouse } from "../writer/warehouse.ts";
import type { Lake } from "./lake.ts";
import { checksumFiles } from "./checksum_files.ts";
import { parquetRowCount } from "./parquet_footer.ts";
import type { ExportRecord } from "../../messages/staging_generations.ts";

const log = getLogger("exporter");

/** The warehouse operations the exporter uses. */
export type ExportWarehouse = Pick<
  Warehouse,
  | "currentGeneration"
  | "stagingCount"
  | "sealGeneration"
  | "sealedGenerations"
  | "exportParquet"
  | "exportDimensions"
  | "recordExport"
  | "dropGeneration"
>;

/** Steps after which a test can inject a crash. */
export type ExportStep = "sealed" | "staged" | "verified" | "published" | "recorded" | "dropped";

/** What one export did. */
export interface ExportSummary {
  readonly generations: readonly {
    generation: number;
    rows: number;
    files: number;
    bytes: number;
  }[];
  readonly rows: number;
  readonly files: number;
  readonly bytes: number;
  readonly seconds: number;
}

/** Thrown when files read back do not hold the rows the warehouse sealed. */
export class ExportVerificationError extends Error {
  override name = "ExportVerificationError";
}

/** Dependencies of an export; `crashAfter` is a test-only switch. */
export interface ExportDeps {
  readonly warehouse: ExportWarehouse;
  readonly lake: Lake;
  readonly crashAfter?: (step: ExportStep, generation: number) => void;
  readonly now?: () => number;
}

async function exportGeneration(deps: ExportDeps, generation: number, sealedRows: number) {
  const { warehouse, lake } = deps;
  const crash = (step: ExportStep) => deps.crashAfter?.(step, generation);
  await warehouse.exportParquet(generation, lake.staging(generation));
  crash("staged");
  const stagedRows = await lake.stagedRowCount(generation);
  const stagingRows = await warehouse.stagingCount(generation);
  if (stagedRows !== sealedRows || stagingRows !== sealedRows) {
    await lake.discardStaging(generation);
    throw new ExportVerificationError(
      `Generation ${generation}: sealed ${sealedRows} rows, staging holds ${stagingRows}, ` +
        `Parquet files hold ${stagedRows}; nothing was published, the export can be retried`,
    );
  }
  crash("verified");
  const published = await lake.publish(generation);
  crash("published");
  const local = await lake.localCopies(generation, published);
  const landedRows = await parquetRowCount(local);
  if (landedRows !== sealedRows) {
    throw new ExportVerificationError(
      `Generation ${generation}: published files hold ${landedRows} rows, expected ${sealedRows}`,
    );
  }
  const { sha256, bytes } = await checksumFiles(local);
  const record: ExportRecord = {
    generation,
    location: published.location,
    rowCount: sealedRows,
    exportedAtMs: (deps.now ?? Date.now)(),
    files: published.files,
    bytes,
    checksum: sha256,
  };
  await warehouse.recordExport(record);
  crash("recorded");
  await warehouse.dropGeneration(generation);
  crash("dropped");
  log.info("ExporterGenerationExported", {
    generation,
    rows: sealedRows,
    files: published.files.length,
    bytes,
    location: published.location,
  });
  return { generation, rows: sealedRows, files: published.files.length, bytes };
}

/**
 * Finishes any generation an earlier export left sealed, then (when `seal` is set and the open
 * generation has rows) seals the current one and exports it.
 */
export async function runExport(deps: ExportDeps, seal = true): Promise<ExportSummary> {
  const started = performance.now();
  const done: { generation: number; rows: number; files: number; bytes: number }[] = [];
  for (const pending of await deps.warehouse.sealedGenerations()) {
    log.info("ExporterGenerationResumed", { generation: pending.generation });
    done.push(await exportGeneration(deps, pending.generation, pending.rowCount));
  }
  if (seal) {
    const open = await deps.warehouse.currentGeneration();
    if (await deps.warehouse.stagingCount(open) > 0) {
      const sealed = await deps.warehouse.sealGeneration();
      deps.crashAfter?.("sealed", sealed.generation);
      done.push(await exportGeneration(deps, sealed.generation, sealed.rowCount));
    }
  }
  if (done.length > 0) {
    // The dimensions as they are now, beside the Bronze they describe (BRONZE_CONTRACT.md).
    await deps.warehouse.exportDimensions(deps.lake.dimensionsStaging());
    const published = await deps.lake.publishDimensions();
    log.info("ExporterDimensionsPublished", { files: published });
  }
  return {
    generations: done,
    rows: done.reduce((n, g) => n + g.rows, 0),
    files: done.reduce((n, g) => n + g.files, 0),
    bytes: done.reduce((n, g) => n + g.bytes, 0),
    seconds: (performance.now() - started) / 1000,
  };
}
