/**
 * The writer's answers about staging generations, for the exporter: the open generation, a
 * generation's row count, the seal (between two batches, as the writer handles one message at a
 * time), the sealed ones, a generation's Parquet files, the manifest entry and the drop. Each is
 * one warehouse call answered as a value or a failure: an export that fails never crashes the
 * writer, and ingestion goes on.
 */
import type { Answer } from "../../messages/staging_generations.ts";
import type { WRITER_PROTOCOL } from "../../messages/writer.ts";
import { getLogger } from "../../observability/log.ts";
import type { Handlers } from "../runtime/serve.ts";
import type { Warehouse } from "./warehouse.ts";

type Accepts = typeof WRITER_PROTOCOL.accepts;

/** The generation requests' names. */
export type GenerationRequest =
  | "writer.currentGeneration"
  | "writer.countStaging"
  | "writer.seal"
  | "writer.listSealed"
  | "writer.exportParquet"
  | "writer.exportDimensions"
  | "writer.recordExport"
  | "writer.dropGeneration";

const log = getLogger("writer");

/** Runs one warehouse call; its failure becomes the answer (logged), never a throw. */
async function answer<T>(operation: string, run: () => Promise<T>): Promise<Answer<T>> {
  try {
    return { ok: true, value: await run() };
  } catch (error: unknown) {
    log.warn("WriterGenerationOperationFailed", {
      operation,
      error,
      hint: "the export fails and is retried by the next one; ingestion goes on",
    });
    return { ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}

/** The handlers of the generation requests over `warehouse`. */
export function generationHandlers(
  warehouse: Warehouse,
): Pick<Handlers<Accepts>, GenerationRequest> {
  return {
    "writer.currentGeneration": () =>
      answer("read the generation", () => warehouse.currentGeneration()),
    "writer.countStaging": ({ generation }) =>
      answer(`count generation ${generation}`, () => warehouse.stagingCount(generation)),
    "writer.seal": () => answer("seal the generation", () => warehouse.sealGeneration()),
    "writer.listSealed": () =>
      answer("list sealed generations", () => warehouse.sealedGenerations()),
    "writer.exportParquet": ({ generation, target }) =>
      answer(`write generation ${generation} as Parquet`, async () => {
        await warehouse.exportParquet(generation, target);
        return true as const;
      }),
    "writer.exportDimensions": ({ dir }) =>
      answer("write the dimensions as Parquet", async () => {
        await warehouse.exportDimensions(dir);
        return true as const;
      }),
    "writer.recordExport": (record) =>
      answer(`record generation ${record.generation}`, async () => {
        await warehouse.recordExport(record);
        return true as const;
      }),
    "writer.dropGeneration": ({ generation }) =>
      answer(`drop generation ${generation}`, async () => {
        await warehouse.dropGeneration(generation);
        return true as const;
      }),
  };
}
