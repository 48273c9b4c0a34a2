/**
 * Protocol of the exporter actor, which owns the lake: `exporter.export` exports every sealed
 * generation (first sealing the open one, when asked), each written as Parquet, verified, published,
 * recorded and only then dropped; a failed export is an outcome, never a crash. The warehouse is
 * the writer's: the exporter asks it (through its owner) to seal, count, write a generation's
 * Parquet, record and drop, so ingestion never waits while a generation is exported.
 */
import { isRecord } from "../actors/runtime/guards.ts";
import { request } from "../actors/runtime/protocol.ts";
import { isExportOutcome } from "./staging_generations.ts";
import { type LakeTarget, WRITER_PROTOCOL } from "./writer.ts";

/** Init arguments. */
export interface ExporterArgs {
  readonly dataDir: string;
  readonly lake: LakeTarget;
  /** Cloud Storage endpoint for an emulator (null in production). */
  readonly storageEndpoint: string | null;
  /** Time cap of one Cloud Storage request. */
  readonly requestTimeoutMs: number;
  /**
   * Let the warehouse write the Parquet files straight to the lake (BigQuery's EXPORT DATA to a
   * `gs://` lake); otherwise they are written to a local folder first.
   */
  readonly serverSide: boolean;
}

/** Checks exporter init arguments. */
export const isExporterArgs = (v: unknown): v is ExporterArgs =>
  isRecord(v) && typeof v.dataDir === "string" && isRecord(v.lake) &&
  (v.storageEndpoint === null || typeof v.storageEndpoint === "string") &&
  typeof v.requestTimeoutMs === "number" && typeof v.serverSide === "boolean";

const isExportRequest = (v: unknown): v is { seal: boolean } =>
  isRecord(v) && typeof v.seal === "boolean";

const writer = WRITER_PROTOCOL.accepts;

/** What the exporter accepts (it emits nothing) and asks of the writer. */
export const EXPORTER_PROTOCOL = {
  name: "exporter",
  accepts: {
    /** Exports every sealed generation, sealing the open one first when `seal`. */
    "exporter.export": request(isExportRequest, isExportOutcome),
  },
  emits: {},
  asks: {
    "writer.currentGeneration": writer["writer.currentGeneration"],
    "writer.countStaging": writer["writer.countStaging"],
    "writer.seal": writer["writer.seal"],
    "writer.listSealed": writer["writer.listSealed"],
    "writer.exportParquet": writer["writer.exportParquet"],
    "writer.exportDimensions": writer["writer.exportDimensions"],
    "writer.recordExport": writer["writer.recordExport"],
    "writer.dropGeneration": writer["writer.dropGeneration"],
  },
} as const;
