/**
 * Opt-in test against real BigQuery and Cloud Storage: runs only when BIGQUERY_TEST_PROJECT and
 * BIGQUERY_TEST_EXPORT_URI (gs://bucket/prefix) are set and Application Default Credentials are
 * found; otherwise it is ignored with a message. It writes, seals and runs the server-side export.
 */

import assert from "node:assert/strict";
import { GoogleAuth } from "google-auth-library";
import { syntheticBatch } from "../testing.ts";
import { BigQueryWarehouse } from "./bigquery_warehouse.ts";
import { exportDataServerSide } from "./export_data_sql.ts";
import { createBigQuery } from "./client.ts";
import { uniqueDataset } from "./testing.ts";

const project = Deno.env.get("BIGQUERY_TEST_PROJECT");
const exportUri = Deno.env.get("BIGQUERY_TEST_EXPORT_URI");

async function credentialsFound(): Promise<boolean> {
  if (project === undefined || exportUri === undefined) return false;
  try {
    await new GoogleAuth({ scopes: ["https://www.googleapis.com/auth/cloud-platform"] })
      .getClient();
    return true;
  } catch (error: unknown) {
    // Expected without credentials: say why the test is skipped.
    console.warn(`No Application Default Credentials: ${String(error)}`);
    return false;
  }
}

const enabled = await credentialsFound();
if (!enabled) {
  console.warn(
    "Skipping the real-BigQuery test: set BIGQUERY_TEST_PROJECT, BIGQUERY_TEST_EXPORT_URI and " +
      "Application Default Credentials (or GOOGLE_APPLICATION_CREDENTIALS) to run it.",
  );
}

Deno.test({
  name: "real BigQuery: a sealed generation exports server-side with EXPORT DATA",
  ignore: !enabled,
  sanitizeOps: false,
  sanitizeResources: false,
  fn: async () => {
    const target = {
      projectId: project ?? "",
      dataset: uniqueDataset("it"),
      credentials: "adc" as const,
    };
    const warehouse = new BigQueryWarehouse(target);
    const client = createBigQuery(target);
    try {
      await warehouse.open();
      await warehouse.writeBatch({
        rows: syntheticBatch({ fromOffset: 0, count: 50 }),
        deadLetters: [],
      });
      const sealed = await warehouse.sealGeneration();
      assert.equal(sealed.rowCount, 50);
      const dates = await exportDataServerSide(
        client,
        target.dataset,
        sealed.generation,
        `${exportUri}/${target.dataset}`,
      );
      assert.ok(dates.length > 0);
    } finally {
      await warehouse.close();
      await client.dataset(target.dataset).delete({ force: true });
    }
  },
});
