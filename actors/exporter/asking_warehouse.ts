/**
 * The warehouse as the exporter sees it: each export step a request to the writer, which owns the
 * warehouse (DuckDB has one writer per file, and a second instance of the file in this process
 * would corrupt it). A failure the writer answers becomes an error here, so the export stops at
 * that step and is retried by the next one.
 */
import type { Answer } from "../../messages/staging_generations.ts";
import type { EXPORTER_PROTOCOL } from "../../messages/exporter.ts";
import type { ActorContext } from "../runtime/serve.ts";
import type { ExportWarehouse } from "./export_run.ts";

type Protocol = typeof EXPORTER_PROTOCOL;

/** The exporter's context: it asks the writer. */
export type ExporterContext = ActorContext<Protocol["emits"], Protocol["asks"]>;

/** The value of an answer, or the writer's reason as an error. */
function valueOf<T>(what: string, answer: Answer<T>): T {
  if (answer.ok) return answer.value;
  throw new Error(`The writer could not ${what}: ${answer.error}`);
}

/** An `ExportWarehouse` whose operations are asks of the writer. */
export function askingWarehouse(ctx: ExporterContext): ExportWarehouse {
  return {
    currentGeneration: async () =>
      valueOf("read the generation", await ctx.ask("writer.currentGeneration", {})),
    stagingCount: async (generation) =>
      valueOf(
        `count generation ${generation}`,
        await ctx.ask("writer.countStaging", { generation }),
      ),
    sealGeneration: async () => valueOf("seal the generation", await ctx.ask("writer.seal", {})),
    sealedGenerations: async () =>
      valueOf("list sealed generations", await ctx.ask("writer.listSealed", {})),
    exportParquet: async (generation, target) => {
      valueOf(
        `write generation ${generation} as Parquet`,
        await ctx.ask("writer.exportParquet", { generation, target }),
      );
    },
    exportDimensions: async (dir) => {
      valueOf("write the dimensions as Parquet", await ctx.ask("writer.exportDimensions", { dir }));
    },
    recordExport: async (record) => {
      valueOf(
        `record generation ${record.generation}`,
        await ctx.ask("writer.recordExport", record),
      );
    },
    dropGeneration: async (generation) => {
      valueOf(
        `drop generation ${generation}`,
        await ctx.ask("writer.dropGeneration", { generation }),
      );
    },
  };
}
