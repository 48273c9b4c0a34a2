/**
 * Brings a dataset an older version made up to this version's schema when the warehouse opens,
 * with other processes possibly writing (every step is idempotent and safe to race):
 *
 * - Fields a table lacks (watermark epochs, topic ids, seal coverage, the ua_ staging columns)
 *   are added with tables.patch: BigQuery adds NULLABLE and REPEATED fields in place, keeps the
 *   rows and reads the new fields as NULL (an empty array when repeated), which every reader
 *   takes as epoch 0, an unknown topic id, no coverage. A REQUIRED field cannot be added: that
 *   stops the open with the table and field named.
 * - Seals made before seals were fenced (a `sealed` event with no `sealing` one before it, no
 *   `seal_g<N>` table and no coverage) are adopted: the old version counted every commit of a sealed generation, so the
 *   snapshot fixed now is all of them, recorded in a new `sealed` event (with the row count they
 *   cover while the generation's staging table exists). Without it their commits would not count,
 *   and the partitions' watermarks, exported or not, would fall back.
 *
 * BigQuery's streaming inserts learn a new field some minutes after it was added and refuse rows
 * naming it meanwhile ("no such field"): such a write fails, the writer retries it until it is
 * taken (reported as a stall), and rows of the open generation leave out the staging columns its
 * table lacked when this process opened it (schema.ts), so staging is never held up by it.
 */
import type { BigQuery, Dataset } from "@google-cloud/bigquery";
import { getLogger } from "../../../observability/log.ts";
import { int, query, timed } from "./client.ts";
import * as generations from "./generations.ts";
import {
  type Field,
  fieldResource,
  STAGING_SPEC,
  stagingTable,
  storedFields,
  TABLES,
  type TableSpec,
} from "./schema.ts";
import { committedStaging, tableRef } from "./visible_rows.ts";

const log = getLogger("writer");

/**
 * Adds to the existing table `name` the fields of `spec` it lacks; returns their names (none:
 * nothing was changed).
 */
export async function addMissingFields(
  dataset: Dataset,
  name: string,
  spec: TableSpec,
): Promise<string[]> {
  const stored = await storedFields(dataset, name);
  const have = new Set(stored.map((f) => f.name));
  const missing: Field[] = spec.fields.filter((f) => !have.has(f.name));
  if (missing.length === 0) return [];
  const required = missing.filter((f) => f.mode === "REQUIRED");
  if (required.length > 0) {
    throw new RangeError(
      `Cannot upgrade table ${dataset.id}.${name}: it lacks the REQUIRED field(s) ` +
        `${required.map((f) => f.name).join(", ")}, and BigQuery adds only NULLABLE or ` +
        "REPEATED fields to a table; copy the table into one made by this version",
    );
  }
  await timed(
    dataset.bigQuery,
    `add fields to ${name}`,
    () =>
      dataset.table(name).setMetadata({
        schema: { fields: [...stored, ...missing.map(fieldResource)] },
      }),
  );
  const added = missing.map((f) => f.name);
  log.info("WriterTableUpgraded", {
    table: name,
    added,
    hint: "BigQuery's streaming may refuse rows naming these fields for a few minutes; " +
      "the writer retries until they are taken",
  });
  return added;
}

/** Adds missing fields to every table but staging (those `createSchema` did not just make). */
export async function upgradeTables(dataset: Dataset): Promise<void> {
  for (const [name, spec] of Object.entries(TABLES)) await addMissingFields(dataset, name, spec);
}

/** Adds missing fields to the staging tables of generations not dropped. */
export async function upgradeStaging(client: BigQuery, dataset: string): Promise<void> {
  const live = [...await generations.states(client, dataset)]
    .filter(([, s]) => s.state !== "dropped");
  for (const [generation] of live) {
    await addMissingFields(client.dataset(dataset), stagingTable(generation), STAGING_SPEC);
  }
}

/**
 * Generations sealed (or dropped) without a fenced seal: no `sealing` event, which a fenced seal
 * records first and an adoption last.
 */
async function unfenced(client: BigQuery, dataset: string): Promise<number[]> {
  const rows = await query(
    client,
    `SELECT generation FROM ${tableRef(dataset, "generation_events")} GROUP BY generation
     HAVING MAX(CASE WHEN state IN ('sealed', 'dropped') THEN 1 ELSE 0 END) = 1
       AND MAX(CASE WHEN state = 'sealing' THEN 1 ELSE 0 END) = 0
     ORDER BY generation`,
  );
  return rows.map((r) => int(r, "generation"));
}

/**
 * Adopts seals made before seals were fenced (see above); returns their generations. Each step
 * may be repeated: the snapshot is fixed once, the `sealed` event records it, and a `sealing`
 * event, written last, marks the generation as adopted.
 */
export async function adoptUnfencedSeals(client: BigQuery, dataset: string): Promise<number[]> {
  const found = await unfenced(client, dataset);
  if (found.length === 0) return [];
  const all = await generations.states(client, dataset);
  for (const generation of found) {
    const state = all.get(generation);
    const covered = await generations.snapshotCommits(client, dataset, generation);
    let rowCount = state?.rowCount ?? 0;
    if (state?.state === "sealed") {
      const table = generations.sealTable(generation);
      const [count] = await query(
        client,
        `SELECT COUNT(*) AS n FROM (${
          committedStaging(dataset, stagingTable(generation), generation, { kind: "seal", table })
        })`,
      );
      rowCount = count === undefined ? 0 : int(count, "n");
    }
    await generations.appendEvent(client, dataset, generation, "sealed", rowCount, covered);
    await generations.appendEvent(client, dataset, generation, "sealing");
    log.info("WriterUnfencedSealAdopted", {
      generation,
      state: state?.state,
      commits: covered.length,
      rowCount,
      recordedRowCount: state?.rowCount,
    });
  }
  return found;
}
