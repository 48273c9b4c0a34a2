/**
 * The exporter actor's behaviour: owns the lake and runs the export procedure (`export_run.ts`)
 * on `exporter.export`, one at a time, asking the writer for every warehouse step; the writer
 * writes a sealed generation's Parquet beside its batches, so ingestion goes on meanwhile. A
 * failed export is an outcome and a log line, never a crash; the next export retries it.
 */
import type { EXPORTER_PROTOCOL, ExporterArgs } from "../../messages/exporter.ts";
import type { ExportOutcome } from "../../messages/staging_generations.ts";
import { getLogger } from "../../observability/log.ts";
import type { Behaviour } from "../runtime/serve.ts";
import { askingWarehouse, type ExporterContext } from "./asking_warehouse.ts";
import { type ExportDeps, runExport } from "./export_run.ts";
import { openLake } from "./open_lake.ts";

type Protocol = typeof EXPORTER_PROTOCOL;
const log = getLogger("exporter");

/** Exports softly: the outcome says whether it worked, and why not. */
export async function exportSoftly(deps: ExportDeps, seal: boolean): Promise<ExportOutcome> {
  try {
    const summary = await runExport(deps, seal);
    return {
      ok: true,
      report: {
        generations: summary.generations.map((g) => g.generation),
        rows: summary.rows,
        files: summary.files,
        bytes: summary.bytes,
        seconds: summary.seconds,
      },
    };
  } catch (error: unknown) {
    log.error("ExporterExportFailed", {
      error,
      hint: "ingestion goes on; the sealed generation stays and the next export retries it",
    });
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** Opens the lake and returns the behaviour. */
export async function startExporter(
  args: ExporterArgs,
  ctx: ExporterContext,
): Promise<Behaviour<Protocol["accepts"]>> {
  const deps: ExportDeps = { warehouse: askingWarehouse(ctx), lake: await openLake(args) };
  return {
    handlers: {
      "exporter.export": ({ seal }) => exportSoftly(deps, seal),
    },
  };
}
