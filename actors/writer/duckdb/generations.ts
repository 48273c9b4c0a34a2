/**
 * Staging generations and the export manifest in DuckDB: sealing creates the next generation's
 * table and registers the sealed count in one transaction; dropping a generation needs a manifest
 * entry with the same count, so a generation leaves only after the lake holds every row.
 */

import type { DuckDBConnection } from "@duckdb/node-api";
import { stagingDdl, stagingTable } from "./schema.ts";
import { replaceViews } from "./views.ts";
import { inTransaction } from "./transaction.ts";
import type { ExportRecord, SealedGeneration } from "../../../messages/staging_generations.ts";

async function rows(connection: DuckDBConnection, sql: string, values: (string | number)[] = []) {
  return (await connection.runAndReadAll(sql, values)).getRowsJS();
}

/** Seals `open` and opens `open + 1`; returns the sealed generation and its row count. */
export async function seal(connection: DuckDBConnection, open: number): Promise<SealedGeneration> {
  return await inTransaction(connection, () => sealIn(connection, open));
}

/** `seal` inside the caller's transaction. */
export async function sealIn(
  connection: DuckDBConnection,
  open: number,
): Promise<SealedGeneration> {
  const [[count] = []] = await rows(connection, `SELECT count(*) FROM ${stagingTable(open)}`);
  const rowCount = Number(count ?? 0);
  await connection.run(
    `UPDATE staging_generations SET state = 'sealed', sealed_at = now(), row_count = $2
     WHERE generation = $1 AND state = 'open'`,
    [open, rowCount],
  );
  await connection.run(
    "INSERT INTO staging_generations (generation, state, created_at) VALUES ($1, 'open', now())",
    [open + 1],
  );
  await connection.run(stagingDdl(open + 1));
  await replaceViews(connection);
  return { generation: open, rowCount };
}

/** Sealed, not yet dropped generations, oldest first. */
export async function sealedGenerations(connection: DuckDBConnection): Promise<SealedGeneration[]> {
  const found = await rows(
    connection,
    "SELECT generation, row_count FROM staging_generations WHERE state = 'sealed' ORDER BY 1",
  );
  return found.map(([generation, rowCount]) => ({
    generation: Number(generation),
    rowCount: Number(rowCount),
  }));
}

/** State of a generation, or undefined when unknown. */
async function stateOf(connection: DuckDBConnection, generation: number) {
  const [[state] = []] = await rows(
    connection,
    "SELECT state FROM staging_generations WHERE generation = $1",
    [generation],
  );
  return typeof state === "string" ? state : undefined;
}

/** Rows in a live generation's staging table. */
export async function stagingCount(connection: DuckDBConnection, generation: number) {
  const state = await stateOf(connection, generation);
  if (state !== "open" && state !== "sealed") {
    throw new RangeError(`Cannot count generation ${generation}: it is ${state ?? "unknown"}`);
  }
  const [[count] = []] = await rows(connection, `SELECT count(*) FROM ${stagingTable(generation)}`);
  return Number(count ?? 0);
}

/** Inserts or replaces a manifest entry. */
export async function recordExport(connection: DuckDBConnection, record: ExportRecord) {
  await connection.run(
    `INSERT OR REPLACE INTO export_manifest
     VALUES ($1, $2, $3, to_timestamp($4::DOUBLE / 1000), from_json($5, '["VARCHAR"]'), $6, $7)`,
    [
      record.generation,
      record.location,
      record.rowCount,
      record.exportedAtMs,
      JSON.stringify(record.files),
      record.bytes,
      record.checksum,
    ],
  );
}

/** The whole manifest. */
export async function exportManifest(connection: DuckDBConnection): Promise<ExportRecord[]> {
  const found = await rows(
    connection,
    `SELECT generation, location, row_count, epoch_ms(exported_at), to_json(files)::VARCHAR,
       bytes, checksum FROM export_manifest ORDER BY 1`,
  );
  return found.map(([generation, location, rowCount, exportedAtMs, files, bytes, checksum]) => ({
    generation: Number(generation),
    location: String(location),
    rowCount: Number(rowCount),
    exportedAtMs: Number(exportedAtMs),
    files: parseFiles(files),
    bytes: Number(bytes),
    checksum: String(checksum),
  }));
}

function parseFiles(value: unknown): string[] {
  const parsed: unknown = JSON.parse(String(value));
  if (!Array.isArray(parsed) || !parsed.every((f) => typeof f === "string")) {
    throw new TypeError(`export_manifest.files is not a list of names: ${String(value)}`);
  }
  return parsed;
}

/** Drops a sealed generation that the manifest shows exported with its exact row count. */
export async function drop(connection: DuckDBConnection, generation: number): Promise<void> {
  await inTransaction(connection, async () => {
    const state = await stateOf(connection, generation);
    if (state === "dropped") return;
    if (state !== "sealed") {
      throw new RangeError(`Cannot drop generation ${generation}: it is ${state ?? "unknown"}`);
    }
    const [[sealed, exported] = []] = await rows(
      connection,
      `SELECT g.row_count, m.row_count FROM staging_generations g
       LEFT JOIN export_manifest m USING (generation) WHERE generation = $1`,
      [generation],
    );
    if (exported === null || exported === undefined || Number(exported) !== Number(sealed)) {
      throw new RangeError(
        `Cannot drop generation ${generation}: sealed with ${sealed} rows, export manifest ` +
          `shows ${exported ?? "no export"}`,
      );
    }
    await connection.run(`DROP TABLE IF EXISTS ${stagingTable(generation)}`);
    await connection.run(
      "UPDATE staging_generations SET state = 'dropped', dropped_at = now() WHERE generation = $1",
      [generation],
    );
    await replaceViews(connection);
  });
}
