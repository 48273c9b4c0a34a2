/**
 * Test helpers for the BigQuery warehouse: a fresh dataset in the suite's emulator per test, and
 * the contract probe reading what readers may see (committed rows only, first copy per key).
 */

import { type TestBigQuery, testBigQuery } from "../../../test/emulators/bigquery_emulator.ts";
import type { FaultHook, FaultSwitch } from "../fault_hook.ts";
import type { ContractSubject } from "../warehouse_contract.ts";
import { TEST_RETRY } from "../warehouse_contract.ts";
import { USER_AGENT_ROW_COLUMNS } from "../testing.ts";
import { BigQueryWarehouse } from "./bigquery_warehouse.ts";
import { int, intOrNull, str, strings, strOrNull } from "./client.ts";
import { stagingTable } from "./schema.ts";
import { committedDeadLetters, committedDimension, committedStaging } from "./visible_rows.ts";

/** A new dataset name no other test uses. */
export function uniqueDataset(prefix = "t"): string {
  return `${prefix}_${crypto.randomUUID().replaceAll("-", "").slice(0, 12)}`;
}

/** A warehouse (not opened) on `dataset` of `emulator`, retrying at test pace. */
export function warehouseOn(
  emulator: TestBigQuery,
  dataset: string,
  faults?: FaultHook,
): BigQueryWarehouse {
  return new BigQueryWarehouse({
    projectId: emulator.projectId,
    dataset,
    apiEndpoint: emulator.endpoint,
    credentials: "none",
    retry: TEST_RETRY,
    quotaRetry: TEST_RETRY,
    ...(faults === undefined ? {} : { faults }),
  });
}

/** An opened warehouse on a fresh dataset of the suite's emulator. */
export async function emulatorWarehouse(faults?: FaultSwitch): Promise<BigQueryWarehouse> {
  const warehouse = warehouseOn(await testBigQuery(), uniqueDataset(), faults?.hook);
  await warehouse.open();
  return warehouse;
}

/** The contract subject: warehouse, probe and cleanup. */
export async function contractSubject(faults: FaultSwitch): Promise<ContractSubject> {
  const warehouse = await emulatorWarehouse(faults);
  const name = warehouse.dataset;
  const q = (sql: string) => warehouse.query(sql);
  return {
    warehouse,
    faults,
    probe: {
      stagedOffsets: async (generation, partition = 0) =>
        (await q(
          `SELECT _offset FROM (${committedStaging(name, stagingTable(generation), generation)})
           WHERE _partition = ${partition} ORDER BY _offset`,
        )).map((r) => int(r, "_offset")),
      stagedEpochOffsets: async (generation, partition) =>
        (await q(
          `SELECT CONCAT(CAST(_offset_epoch AS STRING), ':', CAST(_offset AS STRING)) AS k FROM (${
            committedStaging(name, stagingTable(generation), generation)
          }) WHERE _partition = ${partition} ORDER BY _offset_epoch, _offset`,
        )).map((r) => str(r, "k")),
      stagedRow: async (generation, offset) => {
        const [row] = await q(
          `SELECT field_problems, _kafka_timestamp_ms, extra FROM (${
            committedStaging(name, stagingTable(generation), generation)
          }) WHERE _offset = ${offset}`,
        );
        if (row === undefined) throw new Error(`No staged row at offset ${offset}`);
        return {
          problems: strings(row, "field_problems"),
          kafkaTimestampMs: intOrNull(row, "_kafka_timestamp_ms"),
          extra: strOrNull(row, "extra"),
        };
      },
      ingestedAt: async (generation) =>
        (await q(
          `SELECT UNIX_MILLIS(_ingested_at) AS t FROM (${
            committedStaging(name, stagingTable(generation), generation)
          })`,
        )).map((r) => int(r, "t")),
      deadLetters: async () =>
        (await q(
          `SELECT kafka_offset, code, reason, raw_base64
           FROM (${committedDeadLetters(name)}) ORDER BY kafka_offset`,
        )).map((r) => ({
          offset: int(r, "kafka_offset"),
          code: str(r, "code"),
          reason: str(r, "reason"),
          raw: Uint8Array.from(atob(str(r, "raw_base64")), (ch) => ch.charCodeAt(0)),
        })),
      summaryUserAgents: () =>
        q(`SELECT _offset, ${USER_AGENT_ROW_COLUMNS.join(", ")} FROM \`${name}.summary\``),
      userAgents: async () =>
        (await q(
          `SELECT user_agent_id, user_agent, browser_family
           FROM (${committedDimension(name, "user_agents")})`,
        )).map((r) => ({
          userAgentId: str(r, "user_agent_id"),
          userAgent: str(r, "user_agent"),
          browserFamily: strOrNull(r, "browser_family"),
        })),
      products: async () =>
        (await q(
          `SELECT product_id, url, UNIX_MILLIS(first_seen) AS first_seen
           FROM (${committedDimension(name, "product_catalog")}) ORDER BY product_id`,
        )).map((r) => ({
          productId: str(r, "product_id"),
          url: strOrNull(r, "url"),
          firstSeenMs: r.first_seen === null ? null : int(r, "first_seen"),
        })),
    },
    cleanup: () => warehouse.close(),
  };
}
