/**
 * Staging generations and the export manifest in BigQuery, append-only: a generation's state is
 * its most advanced event (open < sealed < dropped), a manifest entry the latest one recorded.
 * Sealing counts the committed rows; dropping needs a manifest entry with that count and records
 * the drop before deleting the table, so a crash leaves at most an orphan table, never a gap.
 */

import type { BigQuery } from "@google-cloud/bigquery";
import type { ExportRecord, SealedGeneration } from "../warehouse.ts";
import { int, intOrNull, query, str, strings } from "./client.ts";
import { streamRows } from "./batch_write.ts";
import { ensureTable, STAGING_SPEC, stagingTable } from "./schema.ts";
import { timestamp } from "./row_encoding.ts";
import { committedStaging, tableRef } from "./visible_rows.ts";

type State = "open" | "sealed" | "dropped";
const RANK: Record<State, number> = { open: 1, sealed: 2, dropped: 3 };

/** A generation's resolved state and its sealed row count. */
interface Resolved {
  readonly state: State;
  readonly rowCount: number | null;
}

function asState(value: string): State {
  if (value === "open" || value === "sealed" || value === "dropped") return value;
  throw new TypeError(`generation_events holds an unknown state: ${value}`);
}

/** Every generation's most advanced state. */
export async function states(client: BigQuery, dataset: string): Promise<Map<number, Resolved>> {
  const rows = await query(
    client,
    `SELECT generation, state, row_count FROM ${tableRef(dataset, "generation_events")}`,
  );
  const out = new Map<number, Resolved>();
  for (const row of rows) {
    const generation = int(row, "generation");
    const state = asState(str(row, "state"));
    const seen = out.get(generation);
    if (seen !== undefined && RANK[seen.state] >= RANK[state]) continue;
    out.set(generation, { state, rowCount: intOrNull(row, "row_count") });
  }
  return out;
}

async function appendEvent(
  client: BigQuery,
  dataset: string,
  generation: number,
  state: State,
  rowCount: number | null = null,
): Promise<void> {
  await streamRows(client, dataset, "generation_events", [{
    insertId: `${generation}-${state}`,
    json: { generation, state, row_count: rowCount, at: timestamp(Date.now()) },
  }]);
}

/** Finds (or opens) the open generation and makes sure its staging table exists. */
export async function openGeneration(client: BigQuery, dataset: string): Promise<number> {
  const all = await states(client, dataset);
  const open = [...all].filter(([, s]) => s.state === "open").map(([g]) => g);
  const generation = open.length > 0 ? Math.max(...open) : Math.max(0, ...all.keys()) + 1;
  await ensureTable(client.dataset(dataset), stagingTable(generation), STAGING_SPEC);
  if (open.length === 0) await appendEvent(client, dataset, generation, "open");
  return generation;
}

/** Committed rows of a generation's staging table. */
export async function committedCount(
  client: BigQuery,
  dataset: string,
  generation: number,
): Promise<number> {
  const [row] = await query(
    client,
    `SELECT COUNT(*) AS n FROM (${
      committedStaging(dataset, stagingTable(generation), generation)
    })`,
  );
  return row === undefined ? 0 : int(row, "n");
}

/** Seals `open` and opens `open + 1` (table first, then the events). */
export async function seal(
  client: BigQuery,
  dataset: string,
  open: number,
): Promise<SealedGeneration> {
  const rowCount = await committedCount(client, dataset, open);
  await ensureTable(client.dataset(dataset), stagingTable(open + 1), STAGING_SPEC);
  await appendEvent(client, dataset, open, "sealed", rowCount);
  await appendEvent(client, dataset, open + 1, "open");
  return { generation: open, rowCount };
}

/** Sealed, not yet dropped generations, oldest first. */
export async function sealedGenerations(
  client: BigQuery,
  dataset: string,
): Promise<SealedGeneration[]> {
  return [...await states(client, dataset)]
    .filter(([, s]) => s.state === "sealed")
    .map(([generation, s]) => ({ generation, rowCount: s.rowCount ?? 0 }))
    .sort((a, b) => a.generation - b.generation);
}

/** The state of a live generation, or `RangeError`. */
export async function liveState(
  client: BigQuery,
  dataset: string,
  generation: number,
  doing: string,
): Promise<Resolved> {
  const state = (await states(client, dataset)).get(generation);
  if (state?.state !== "open" && state?.state !== "sealed") {
    throw new RangeError(
      `Cannot ${doing} generation ${generation}: it is ${state?.state ?? "unknown"}`,
    );
  }
  return state;
}

let lastRecordedUs = 0;

/** Appends a manifest entry; the latest one per generation wins. */
export async function recordExport(
  client: BigQuery,
  dataset: string,
  record: ExportRecord,
): Promise<void> {
  lastRecordedUs = Math.max(lastRecordedUs + 1, Date.now() * 1000);
  await streamRows(client, dataset, "export_manifest", [{
    insertId: `${record.generation}-${lastRecordedUs}`,
    json: {
      generation: record.generation,
      location: record.location,
      row_count: record.rowCount,
      exported_at: timestamp(record.exportedAtMs),
      files: [...record.files],
      bytes: record.bytes,
      checksum: record.checksum,
      recorded_us: lastRecordedUs,
    },
  }]);
}

/** The manifest: each generation's latest entry. */
export async function exportManifest(client: BigQuery, dataset: string): Promise<ExportRecord[]> {
  const rows = await query(
    client,
    `SELECT generation, location, row_count, UNIX_MILLIS(exported_at) AS exported_ms, files, bytes,
       checksum FROM (
       SELECT *, ROW_NUMBER() OVER (PARTITION BY generation ORDER BY recorded_us DESC) AS latest
       FROM ${tableRef(dataset, "export_manifest")})
     WHERE latest = 1 ORDER BY generation`,
  );
  return rows.map((r) => ({
    generation: int(r, "generation"),
    location: str(r, "location"),
    rowCount: int(r, "row_count"),
    exportedAtMs: int(r, "exported_ms"),
    files: strings(r, "files"),
    bytes: int(r, "bytes"),
    checksum: str(r, "checksum"),
  }));
}

/** Drops a sealed generation whose latest manifest entry shows its exact row count. */
export async function drop(client: BigQuery, dataset: string, generation: number): Promise<void> {
  const state = (await states(client, dataset)).get(generation);
  if (state?.state === "dropped") return;
  if (state?.state !== "sealed") {
    throw new RangeError(
      `Cannot drop generation ${generation}: it is ${state?.state ?? "unknown"}`,
    );
  }
  const entry = (await exportManifest(client, dataset)).find((e) => e.generation === generation);
  if (entry === undefined || entry.rowCount !== state.rowCount) {
    throw new RangeError(
      `Cannot drop generation ${generation}: sealed with ${state.rowCount} rows, export manifest ` +
        `shows ${entry?.rowCount ?? "no export"}`,
    );
  }
  await appendEvent(client, dataset, generation, "dropped");
  try {
    await client.dataset(dataset).table(stagingTable(generation)).delete();
  } catch (error: unknown) {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : 0;
    if (code !== 404) throw error;
  }
}
