/**
 * GeoIP through the real pipeline process: with GEOIP_CSV set, the table is built into the data
 * directory at start, every enricher maps it, and each row with an IPv4 address carries the
 * range's location and the table version it was looked up in.
 */
import assert from "node:assert/strict";
import { DuckDBInstance } from "@duckdb/node-api";
import { startPipeline } from "../pipeline_process.ts";
import { caughtUp, freshTopic, pipelineEnv, produce } from "./ingestion_fixture.ts";

Deno.test({
  name: "with GEOIP_CSV the pipeline builds the table at start and fills the geo columns",
  sanitizeOps: false,
  sanitizeResources: false,
  async fn() {
    const t = await freshTopic("e2e-geoip");
    const dataDir = await Deno.makeTempDir({ prefix: "e2e-geoip-" });
    const csv = `${dataDir}/IP2LOCATION-LITE-DB5.CSV`;
    // Two ranges cover every IPv4 address, so each event's answer is known.
    await Deno.writeTextFile(
      csv,
      `"0","2147483647","NL","Netherlands","Noord-Holland","Amsterdam","52.374030","4.889690"\n` +
        `"2147483648","4294967295","FR","France","Ile-de-France","Paris","48.853410","2.348800"\n`,
    );
    await produce(t.brokers, t.topic, 3_000, 0);
    const pipeline = await startPipeline({ dataDir, env: pipelineEnv(t, { GEOIP_CSV: csv }) });
    await caughtUp(t);
    assert.equal((await pipeline.stop("SIGTERM")).code, 0);

    const instance = await DuckDBInstance.create(`${dataDir}/warehouse.duckdb`, {
      access_mode: "READ_ONLY",
    });
    const db = await instance.connect();
    const rows = (await db.runAndReadAll(
      `SELECT
         count(*) FILTER (ip LIKE '%.%' AND ip NOT LIKE '%:%'),
         count(*) FILTER (country_code = 'NL' AND city = 'Amsterdam' AND latitude BETWEEN 52.37 AND 52.38),
         count(*) FILTER (country_code = 'FR' AND region = 'Ile-de-France'),
         count(DISTINCT geo_table_version) FILTER (country_code IS NOT NULL)
       FROM staging_g1`,
    )).getRowsJS();
    db.closeSync();
    instance.closeSync();
    const [v4, amsterdam, paris, versions] = (rows[0] ?? []).map(Number);
    assert.ok((v4 ?? 0) > 1_000, `IPv4 rows: ${v4}`);
    assert.equal((amsterdam ?? 0) + (paris ?? 0), v4);
    assert.ok((amsterdam ?? 0) > 0 && (paris ?? 0) > 0);
    assert.equal(versions, 1);
    const built = [...Deno.readDirSync(`${dataDir}/geoip`)].map((e) => e.name);
    assert.ok(built.some((name) => /^table-[0-9a-f]{16}\.bin$/.test(name)), built.join(", "));
    await Deno.remove(dataDir, { recursive: true });
  },
});
