/**
 * Staging generations and the export manifest in BigQuery, append-only. A generation's state is
 * its most advanced event (open < sealing < sealed < dropped), a manifest entry the latest one
 * recorded. Several processes write into the open generation at once, so a seal is fenced:
 *
 * 1. `sealing` is recorded and the next generation opened, so writers move on;
 * 2. the seal's commits are fixed once by `CREATE TABLE seal_g<N> AS SELECT` the generation's
 *    commit batch ids: the first such statement creates the table, every later one fails, so all
 *    processes agree on one snapshot, taken after step 1 (the table is kept for good);
 * 3. `sealed` is recorded with those batch ids and the row count they cover.
 *
 * A writer checks, after committing into a generation, that it is still open; if not, it
 * completes the seal itself and keeps its batch only if the seal covers it, else writes it again
 * into the open generation. A commit after step 2 therefore never counts (readers and watermarks
 * ignore it), and dropping the generation never removes a row a writer was told is stored.
 */

import type { BigQuery } from "@google-cloud/bigquery";
import { int, intOrNull, query, str, strings, timed } from "./client.ts";
import { streamRows } from "./stream_rows.ts";
import { ensureTable, isAlreadyExists, STAGING_SPEC, stagingTable } from "./schema.ts";
import { replaceSummaryView } from "./views.ts";
import { timestamp } from "./row_encoding.ts";
import { committedStaging, type Coverage, tableRef } from "./visible_rows.ts";
import type { ExportRecord, SealedGeneration } from "../../../messages/staging_generations.ts";

type State = "open" | "sealing" | "sealed" | "dropped";
const RANK: Record<State, number> = { open: 1, sealing: 2, sealed: 3, dropped: 4 };

/** A generation's resolved state, its sealed row count and the commits its seal covers. */
export interface Resolved {
  readonly state: State;
  readonly rowCount: number | null;
  readonly covered: readonly string[];
}

function asState(value: string): State {
  if (value === "open" || value === "sealing" || value === "sealed" || value === "dropped") {
    return value;
  }
  throw new TypeError(`generation_events holds an unknown state: ${value}`);
}

/** Name of the table that fixes which commits generation `generation`'s seal covers. */
export function sealTable(generation: number): string {
  return `seal_g${stagingTable(generation).slice("staging_g".length)}`;
}

/**
 * Every generation's most advanced state; of several events of that state the latest counts (a
 * seal adopted from an older version, see dataset_upgrade.ts, after the seal it recorded).
 */
export async function states(client: BigQuery, dataset: string): Promise<Map<number, Resolved>> {
  const rows = await query(
    client,
    `SELECT generation, state, row_count, covered
     FROM ${tableRef(dataset, "generation_events")} ORDER BY \`at\``,
  );
  const out = new Map<number, Resolved>();
  for (const row of rows) {
    const generation = int(row, "generation");
    const state = asState(str(row, "state"));
    const seen = out.get(generation);
    if (seen !== undefined && RANK[seen.state] > RANK[state]) continue;
    out.set(generation, {
      state,
      rowCount: intOrNull(row, "row_count"),
      covered: strings(row, "covered"),
    });
  }
  return out;
}

/** Records a generation event (the latest of a generation's most advanced state counts). */
export async function appendEvent(
  client: BigQuery,
  dataset: string,
  generation: number,
  state: State,
  rowCount: number | null = null,
  covered: readonly string[] = [],
): Promise<void> {
  await streamRows(client, dataset, "generation_events", [{
    insertId: `${generation}-${state}`,
    json: { generation, state, row_count: rowCount, at: timestamp(Date.now()), covered },
  }]);
}

/** Opens generation `generation` (its table first, then the event); idempotent. */
export async function open(client: BigQuery, dataset: string, generation: number): Promise<void> {
  await ensureTable(client.dataset(dataset), stagingTable(generation), STAGING_SPEC);
  await appendEvent(client, dataset, generation, "open");
  await replaceSummaryView(client, dataset);
}

/** The open generation in `ranks` (generation -> state rank), or undefined when none is. */
export function openIn(ranks: ReadonlyMap<number, number>): number | undefined {
  const open = [...ranks].filter(([, rank]) => rank === RANK.open).map(([g]) => g);
  return open.length > 0 ? Math.max(...open) : undefined;
}

/** Finds (or opens) the open generation and makes sure its staging table exists. */
export async function openGeneration(client: BigQuery, dataset: string): Promise<number> {
  const all = await states(client, dataset);
  const ranks = new Map([...all].map(([g, s]) => [g, RANK[s.state]]));
  const found = openIn(ranks);
  const generation = found ?? Math.max(0, ...all.keys()) + 1;
  if (found === undefined) await open(client, dataset, generation);
  else await ensureTable(client.dataset(dataset), stagingTable(generation), STAGING_SPEC);
  return generation;
}

/** Which commits count for a generation in `state`: all while open, else its seal's. */
export function coverageOf(generation: number, state: State): Coverage {
  return state === "open" ? { kind: "all" } : { kind: "seal", table: sealTable(generation) };
}

/** Committed rows of a generation's staging table, per its state. */
export async function committedCount(
  client: BigQuery,
  dataset: string,
  generation: number,
  state: State,
): Promise<number> {
  const [row] = await query(
    client,
    `SELECT COUNT(*) AS n FROM (${
      committedStaging(dataset, stagingTable(generation), generation, coverageOf(generation, state))
    })`,
  );
  return row === undefined ? 0 : int(row, "n");
}

/**
 * Fixes which commits the seal of `generation` covers, once (`seal_g<N>`: the first process to
 * create it wins; every later call reads the same snapshot), and returns their batch ids.
 */
export async function snapshotCommits(
  client: BigQuery,
  dataset: string,
  generation: number,
): Promise<string[]> {
  const table = sealTable(generation);
  try {
    await query(
      client,
      `CREATE TABLE ${tableRef(dataset, table)} AS SELECT DISTINCT batch_id
       FROM ${tableRef(dataset, "write_commits")} WHERE generation = ${generation}`,
    );
  } catch (error: unknown) {
    // Another process fixed the snapshot first: its table is the one that counts.
    if (!isAlreadyExists(error)) throw error;
  }
  return (await query(client, `SELECT batch_id FROM ${tableRef(dataset, table)}`))
    .map((r) => str(r, "batch_id"));
}

/**
 * Completes the seal of a generation in state `sealing` (steps 2 and 3 above) and returns it
 * sealed; any process may run it, any number of times: they all agree on the first snapshot.
 */
export async function completeSeal(
  client: BigQuery,
  dataset: string,
  generation: number,
): Promise<SealedGeneration> {
  const done = (await states(client, dataset)).get(generation);
  if (done?.state === "sealed" || done?.state === "dropped") {
    return { generation, rowCount: done.rowCount ?? 0 };
  }
  if (done?.state !== "sealing") {
    throw new RangeError(`Cannot complete the seal of generation ${generation}: it is not sealing`);
  }
  const table = sealTable(generation);
  const covered = await snapshotCommits(client, dataset, generation);
  const [count] = await query(
    client,
    `SELECT COUNT(*) AS n FROM (${
      committedStaging(dataset, stagingTable(generation), generation, { kind: "seal", table })
    })`,
  );
  const rowCount = count === undefined ? 0 : int(count, "n");
  await appendEvent(client, dataset, generation, "sealed", rowCount, covered);
  return { generation, rowCount };
}

/** Seals `open` and opens `open + 1` (see the fencing steps above). */
export async function seal(
  client: BigQuery,
  dataset: string,
  openGen: number,
): Promise<SealedGeneration> {
  await appendEvent(client, dataset, openGen, "sealing");
  await open(client, dataset, openGen + 1);
  return await completeSeal(client, dataset, openGen);
}

/** Sealed, not yet dropped generations, oldest first (finishing seals left half done). */
export async function sealedGenerations(
  client: BigQuery,
  dataset: string,
): Promise<SealedGeneration[]> {
  const all = await states(client, dataset);
  const out: SealedGeneration[] = [];
  for (const [generation, s] of [...all].sort(([a], [b]) => a - b)) {
    if (s.state === "sealing") out.push(await completeSeal(client, dataset, generation));
    if (s.state === "sealed") out.push({ generation, rowCount: s.rowCount ?? 0 });
  }
  return out;
}

/** The state of a live generation, or `RangeError`. */
export async function liveState(
  client: BigQuery,
  dataset: string,
  generation: number,
  doing: string,
): Promise<Resolved> {
  const state = (await states(client, dataset)).get(generation);
  if (state?.state === "dropped" || state === undefined) {
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
  // The seal table stays: while it exists no later seal can take another snapshot of the
  // generation's commits, which the watermarks still count.
  const table = stagingTable(generation);
  try {
    await timed(
      client,
      `delete table ${table}`,
      () => client.dataset(dataset).table(table).delete(),
    );
  } catch (error: unknown) {
    const code = typeof error === "object" && error !== null && "code" in error ? error.code : 0;
    if (code !== 404) throw error;
  }
  await replaceSummaryView(client, dataset);
}
